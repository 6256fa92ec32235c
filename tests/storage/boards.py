"""Firmware images the storage tests boot, each with its console on a pty.

``build(board, test_firmware)`` builds the port or the test firmware
(tests/firmware/repl: the port plus ``_uevent_test``, which drives the
emulated GPIO inputs) with the project's set-up (scripts/lib/setup.sh), as
``scripts/run-qemu`` does. ``Board`` runs one: mps2_an385 in QEMU (its
/flash in RAM: blank at every start) or native_sim (its /flash in a file
that survives restarts).
"""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

from pty_repl import PtyRepl

REPO = Path(__file__).resolve().parents[2]
# A build takes a few minutes on a cold cache.
BUILD_TIMEOUT = 900
QEMU_MACHINES = {"mps2_an385": "mps2-an385"}


def build(board: str, test_firmware: bool = False, variant: str = "", *args: str) -> Path:
    """The image of the port (or the test firmware) for `board`, built if
    needed; a `variant` has a build folder of its own and CMake `args`."""
    kind, src = ("port", "zephyr_port")
    if test_firmware:
        kind, src = ("test-firmware", "tests/firmware/repl")
    out = REPO / "build" / board / (variant or kind)
    script = f'source scripts/lib/setup.sh && ue_setup && ue_build {board} "{out}" "$UE_ROOT/{src}"'
    if not (out / "build.ninja").is_file():
        # Configured once with them; then CMake sees their files change.
        script += "".join(f" '{a}'" for a in args)
    subprocess.run(
        ["bash", "-c", script],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=BUILD_TIMEOUT,
    )
    image = out / "zephyr" / ("zephyr.exe" if board == "native_sim" else "zephyr.elf")
    assert image.is_file(), image
    return image


class Board:
    """One running image, its console in the raw REPL; `banner` is what it
    printed before the first prompt (native_sim only: QEMU's pty drops what
    comes before the host opens it)."""

    def __init__(
        self, board: str, image: Path, flash: Path | None = None, connect: bool = True
    ) -> None:
        self.board = board
        if board == "native_sim":
            assert flash is not None
            cmd = [str(image), f"--flash={flash}"]
            marker = b"pseudotty"
        else:
            cmd = ["qemu-system-arm", "-cpu", "cortex-m3", "-machine", QEMU_MACHINES[board]]
            # mps2_an385's image has networking: QEMU's user network,
            # restricted to this host (QEMU's default is unrestricted).
            # Elsewhere none: a NIC the image does not drive makes slirp
            # print on the console.
            machine = QEMU_MACHINES[board]
            nic = ["-nic", "user,restrict=on"] if machine == "mps2-an385" else ["-net", "none"]
            cmd += ["-display", "none", "-monitor", "none", *nic]
            cmd += ["-serial", "pty", "-kernel", str(image)]
            marker = b"/dev/pts/"
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            assert self.proc.stdout is not None
            boot = b""
            while marker not in boot:
                line = self.proc.stdout.readline()
                assert line, f"{board} exited: {boot!r}"
                boot += line
            device = re.search(rb"(/dev/pts/\d+)", boot)
            assert device, boot
            self.device = device.group(1).decode()
            if not connect:
                # The pty is for another client (mpremote).
                return
            self.repl = PtyRepl(self.device)
            self.banner = ""
            if board == "native_sim":
                self.banner = self.repl.read_until(b">>> ", 20).decode(errors="replace")
            self.repl.enter_raw()
        except BaseException:
            self.kill()
            raise

    def kill(self) -> None:
        """Power off: the process stops at once (SIGKILL)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        if hasattr(self, "repl"):
            self.repl.close()
            del self.repl
