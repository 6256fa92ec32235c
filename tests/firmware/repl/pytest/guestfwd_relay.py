"""QEMU's `guestfwd=...-cmd:` end: one guest connection, relayed to a host port.

QEMU starts this once per connection the guest opens to the forwarded
address, with the connection (a socket) on stdin and stdout. It connects to
127.0.0.1:PORT (argv[1]) and copies bytes both ways; an end's EOF becomes a
half-close of the other, and it exits when both ends are done.
"""

from __future__ import annotations

import os
import selectors
import socket
import sys


def relay(port: int) -> None:
    # QEMU gives the connection as stderr too: errors must not go into it.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stderr.fileno())
    guest = socket.socket(fileno=sys.stdin.fileno())
    host = socket.create_connection(("127.0.0.1", port))
    peer = {guest: host, host: guest}
    sel = selectors.DefaultSelector()
    for end in peer:
        sel.register(end, selectors.EVENT_READ)
    while sel.get_map():
        for key, _ in sel.select():
            end = key.fileobj
            assert isinstance(end, socket.socket)
            data = end.recv(65536)
            if data:
                peer[end].sendall(data)
            else:
                sel.unregister(end)
                peer[end].shutdown(socket.SHUT_WR)
    host.close()
    guest.close()


if __name__ == "__main__":
    relay(int(sys.argv[1]))
