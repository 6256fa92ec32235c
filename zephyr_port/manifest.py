# Frozen into every image: asyncio from the pinned MicroPython with its IO
# queue on uevent (python/README.md).
include("$(UEVENT_DIR)/python/manifest.py")
