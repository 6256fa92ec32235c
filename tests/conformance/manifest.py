# The conformance image of `scripts/test --full`: the port's frozen code and
# unittest from micropython-lib (west.yml), which some of MicroPython's
# tests import (extmod/machine1.py, ...). Upstream's CI installs it with mip
# instead; qemu_cortex_m3 has no filesystem to install it on.
include("$(UEVENT_DIR)/zephyr_port/manifest.py")
require("unittest")
