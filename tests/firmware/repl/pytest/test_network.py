"""Sockets against real clients on the host (issue 26, work in progress).

The image (scenario uevent.firmware.repl.network: the test firmware with
zephyr_port/network/network.conf) runs in a QEMU of the test's own, with
QEMU's user-mode network restricted to this host's loopback: a free host
port forwards to the guest's port 8080. Programs pasted into the raw REPL
serve CPython clients; each test checks what both sides saw.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import socket
import subprocess
import threading
import time
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest
from twister_harness import DeviceAdapter

GUEST_PORT = 8080
GUEST_UDP_PORT = 9000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    out = b""
    end = time.monotonic() + timeout
    while marker not in out and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            out += os.read(fd, 1024)
    return out


class Guest:
    """The image in QEMU with a network, driven through its raw REPL on a pty."""

    def __init__(self, fd: int, host_port: int, host_udp_port: int) -> None:
        self.fd = fd
        self.host_port = host_port
        self.host_udp_port = host_udp_port
        self.seen = b""  # what the program printed, read by `expect`

    def expect(self, marker: bytes, timeout: float) -> None:
        """Waits until the running program prints `marker`."""
        self.seen += read_until(self.fd, marker, timeout)
        assert marker in self.seen, f"no {marker!r} within {timeout} s: {self.seen!r}"

    def start(self, code: str) -> None:
        """Runs code in the raw REPL; `finish` collects what it printed."""
        self.seen = b""
        os.write(self.fd, b"\r\x03\x03\x01")
        assert b"raw REPL" in read_until(self.fd, b"to exit\r\n>", 10)
        data = code.encode() + b"\x04"
        for i in range(0, len(data), 256):
            os.write(self.fd, data[i : i + 256])
            time.sleep(0.01)

    def finish(self, timeout: float) -> tuple[str, str]:
        """(output, exception text) of the program `start` ran."""
        out = self.seen + read_until(self.fd, b"\x04>", timeout)
        assert out.endswith(b"\x04>"), f"the program did not end within {timeout} s: {out!r}"
        body = out[out.index(b"OK") + 2 : -2].decode(errors="replace")
        output, _, error = body.partition("\x04")
        return output.replace("\r", "").strip(), error.replace("\r", "").strip()


@contextlib.contextmanager
def guest_on_network(elf: Path) -> Iterator[Guest]:
    host_port, host_udp_port = free_port(), free_port()
    nic = (
        f"user,model=lan9118,restrict=on,hostfwd=tcp:127.0.0.1:{host_port}-:{GUEST_PORT}"
        f",hostfwd=udp:127.0.0.1:{host_udp_port}-:{GUEST_UDP_PORT}"
    )
    qemu = subprocess.Popen(
        [
            "qemu-system-arm",
            "-cpu",
            "cortex-m3",
            "-machine",
            "mps2-an385",
            "-display",
            "none",
            "-monitor",
            "none",
            "-serial",
            "pty",
            "-nic",
            nic,
            "-kernel",
            str(elf),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert qemu.stdout is not None
        m = re.search(r"/dev/pts/\d+", qemu.stdout.readline())
        assert m, "QEMU did not say which pty it opened"
        fd = os.open(m.group(0), os.O_RDWR | os.O_NOCTTY)
        try:
            tty.setraw(fd)
            assert b">>>" in read_until(fd, b">>> ", 30), "no REPL"
            yield Guest(fd, host_port, host_udp_port)
        finally:
            os.close(fd)
    finally:
        qemu.kill()
        qemu.wait()


def client(port: int, payload: bytes, result: dict[str, object]) -> None:
    """Connects (retrying while the guest comes up), sends, reads to EOF."""
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
                c.sendall(payload)
                data = b""
                while chunk := c.recv(4096):
                    data += chunk
                result["got"] = data
                return
        except OSError as e:
            result["error"] = repr(e)
            time.sleep(0.2)


@pytest.fixture
def network_elf(dut: DeviceAdapter) -> Path:
    build = dut.device_config.build_dir
    if "CONFIG_MICROPY_PY_SOCKET=y" not in (build / "zephyr" / ".config").read_text():
        pytest.skip("an image without the socket module")
    dut.close()  # the harness' own QEMU: this test runs its own, with a network
    return build / "zephyr" / "zephyr.elf"


def serve_one(
    network_elf: Path, program: str, payload: bytes
) -> tuple[str, str, dict[str, object]]:
    with guest_on_network(network_elf) as guest:
        guest.start(program)
        result: dict[str, object] = {}
        t = threading.Thread(target=client, args=(guest.host_port, payload, result), daemon=True)
        t.start()
        out, err = guest.finish(60)
        t.join(15)
        return out, err, result


BLOCKING_ECHO = """
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080))
s.listen(2)
c, addr = s.accept()
data = b""
while not data.endswith(b"\\n"):
    data += c.recv(64)
c.sendall(data.upper())
c.close()
s.close()
print("served", len(data), addr[0])
"""


def test_blocking_socket_serves_a_host_client(network_elf: Path) -> None:
    payload = b"x" * 3000 + b"\n"
    out, err, result = serve_one(network_elf, BLOCKING_ECHO, payload)
    assert err == ""
    assert out == "served 3001 10.0.2.2"
    assert result.get("got") == payload.upper(), result


ASYNCIO_ECHO = """
import asyncio, uevent
asyncio.{mode}()
done = asyncio.Event()
async def handle(r, w):
    line = await r.readline()
    w.write(line.upper())
    await w.drain()
    w.close()
    await w.wait_closed()
    print("served", line)
    done.set()
async def main():
    srv = await asyncio.start_server(handle, "0.0.0.0", 8080)
    await done.wait()
    srv.close()
    await srv.wait_closed()
asyncio.run(main())
"""


@pytest.mark.parametrize("mode", ["use_uevent", "use_select_poll"])
def test_asyncio_server_serves_a_host_client(network_elf: Path, mode: str) -> None:
    out, err, result = serve_one(network_elf, ASYNCIO_ECHO.format(mode=mode), b"hello uevent\n")
    assert err == ""
    assert out == "served b'hello uevent\\n'"
    assert result.get("got") == b"HELLO UEVENT\n", result


CONNECT_TIMEOUT = """
import socket, time
s = socket.socket()
s.settimeout(1)
t0 = time.ticks_ms()
try:
    s.connect(("10.0.2.2", 9))   # restrict=on: nothing answers
except OSError as e:
    print("OSError", e.errno == 110 or e.errno == 116, time.ticks_diff(time.ticks_ms(), t0) < 3000)
s.close()
"""


def test_connect_with_a_timeout_ends(network_elf: Path) -> None:
    with guest_on_network(network_elf) as guest:
        guest.start(CONNECT_TIMEOUT)
        out, err = guest.finish(30)
    assert err == ""
    assert out == "OSError True True"


UDP_POLLER = """
import socket, uevent, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9000))
p = uevent.poll()
p.register(s, uevent.READ)
print("ready")
t0 = time.ticks_ms()
r = p.poll_ms(20000)
print("woken", [e.flags for e in r], time.ticks_diff(time.ticks_ms(), t0) < 15000)
print(s.recvfrom(64)[0])
s.close()
"""


def test_a_datagram_wakes_a_poller(network_elf: Path) -> None:
    with guest_on_network(network_elf) as guest:
        guest.start(UDP_POLLER)
        guest.expect(b"ready", 10)
        # Again every 0.5 s until the program ends: QEMU's user network
        # drops a datagram for a guest whose MAC address it has not learnt.
        stop = threading.Event()

        def send() -> None:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                while not stop.wait(0.5):
                    u.sendto(b"datagram", ("127.0.0.1", guest.host_udp_port))

        threading.Thread(target=send, daemon=True).start()
        try:
            out, err = guest.finish(30)
        finally:
            stop.set()
    assert err == ""
    assert out.splitlines()[-2:] == ["woken [1] True", "b'datagram'"]


CLOSE_WHILE_BLOCKED = """
import socket, _thread, time, errno
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9001))
res = []
def reader():
    try:
        s.recv(10)
        res.append("data")
    except OSError as e:
        res.append(e.errno)
_thread.start_new_thread(reader, ())
time.sleep_ms(200)
s.close()
t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # may take s's slot
t0 = time.ticks_ms()
while not res and time.ticks_diff(time.ticks_ms(), t0) < 3000:
    time.sleep_ms(10)
print("reader", res == [errno.EBADF])
t.close()
"""


def test_close_from_another_thread_ends_a_blocked_recv(network_elf: Path) -> None:
    # Review finding 4: the reader used to go on waiting on the slot, which
    # the new socket had taken.
    with guest_on_network(network_elf) as guest:
        guest.start(CLOSE_WHILE_BLOCKED)
        out, err = guest.finish(30)
    assert err == ""
    assert out == "reader True"


ALLOC_FAILURES = """
import socket, gc, _uevent_test as T
failed = 0
for k in range(12):
    T.fail_allocs(k, 1)
    try:
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
    except MemoryError:
        failed += 1
    T.fail_allocs(0, 0)
gc.collect()
held = []
try:
    for i in range(16):
        held.append(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
except OSError as e:
    print("open", len(held), e)
print("failures", failed > 0, "then 16 open", len(held) == 16)
for s in held:
    s.close()
"""


def test_a_memory_error_in_socket_leaves_no_slot_behind(network_elf: Path) -> None:
    # Review finding 8: each MemoryError used to keep a slot and an fd, so
    # only 15 of the 16 sockets (CONFIG_MICROPY_SOCKET_MAX) opened after.
    with guest_on_network(network_elf) as guest:
        guest.start(ALLOC_FAILURES)
        out, err = guest.finish(30)
    assert err == ""
    assert out == "failures True then 16 open True"
