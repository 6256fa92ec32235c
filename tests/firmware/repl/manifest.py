# The test firmware's frozen modules: the port's (asyncio on uevent) and the
# helpers the scripts of tests/micropython share.
include("$(UEVENT_DIR)/zephyr_port/manifest.py")
module("uevent_testkit.py")
module("wake_matrix.py")
module("uevent_programs.py")
module("uevent_asyncio_programs.py")
