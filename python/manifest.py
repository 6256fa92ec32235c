# asyncio for this firmware: MicroPython's asyncio from the pinned dependency
# (modules/lib/micropython, frozen as is, never copied here) plus our own
# package __init__ and the IO queue on uevent. See README.md.
package(
    "asyncio",
    ("core.py", "event.py", "funcs.py", "lock.py", "stream.py"),
    base_path="$(MPY_DIR)/extmod",
    opt=3,
)
package("asyncio", ("__init__.py", "ueventio.py"), base_path="$(UEVENT_DIR)/python", opt=3)
