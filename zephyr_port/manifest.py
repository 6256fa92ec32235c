# Frozen into every image: asyncio from the pinned MicroPython.
include("$(MPY_DIR)/extmod/asyncio")
