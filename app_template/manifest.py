# What the firmware freezes: the port's modules (asyncio on uevent), then
# this app. module() for each more file of yours; package() for a folder.
include("$(UEVENT_DIR)/zephyr_port/manifest.py")
module("main.py")
