# The port's frozen modules (asyncio on uevent) plus this app's main.py,
# which the firmware runs at boot.
include("$(UEVENT_DIR)/zephyr_port/manifest.py")
module("main.py")
