# asyncio for this firmware: MicroPython's asyncio from the pinned dependency
# (modules/lib/micropython/extmod/asyncio), frozen as it is and never copied
# here, plus our package file and the IO queue on uevent. See README.md.
package(
    "asyncio",
    ("core.py", "event.py", "funcs.py", "lock.py", "stream.py"),
    base_path="$(MPY_DIR)/extmod",
    opt=3,
)
# The dependency's own package file, unchanged, as asyncio.stock: the build
# places it at $(UEVENT_STOCK_ASYNCIO)/asyncio/stock.py (zephyr_port/port.cmake),
# since a manifest freezes a file under its own name.
package("asyncio", ("stock.py",), base_path="$(UEVENT_STOCK_ASYNCIO)", opt=3)
package("asyncio", ("__init__.py",), base_path="$(UEVENT_DIR)/python", opt=3)
