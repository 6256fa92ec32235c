# asyncio's IO queue on uevent (uevent.IOQueue), ThreadSafeFlag on
# uevent.Flag, and wait_event(). See python/README.md.

import uevent
from . import core


# The IO queue is C (zephyr_port/uevent/uevent_ioqueue.c): each waiting
# task sits in its uevent entry, and the loop's wait pushes the task of each
# delivered event straight onto the task queue.
IOQueue = uevent.IOQueue


# Same shape as upstream's ThreadSafeFlag: set() from a hard IRQ, another
# thread or a soft callback; `await flag.wait()`; self-clearing after a
# wait. Built on uevent.Flag, so set() wakes the loop at once.
class ThreadSafeFlag:
    def __init__(self):
        self._f = uevent.Flag()

    def set(self):
        self._f.set()

    def clear(self):
        self._f.clear()

    def is_set(self):
        return self._f.is_set()

    # Yields once even when the flag is set already (queued to run again at
    # once): a consumer whose flag is always set, an ISR faster than it,
    # still lets the other tasks run between its waits.
    async def wait(self):
        f = self._f
        if f.is_set():
            core._task_queue.push(core.cur_task)
            yield
        else:
            yield core._io_queue.queue_event(f)
        f.clear()


# Our addition: wait until `src` raises EVENT after this call. `src` is a
# machine.Pin with IRQ edges set (pin.irq(trigger=...)), a machine.Timer, a
# uevent.Flag, a uevent board source or its name ("sw0").
# async
def wait_event(src):
    if isinstance(src, str):
        src = uevent.source(src)
    q = core._io_queue
    if not isinstance(q, IOQueue):
        raise RuntimeError("wait_event needs asyncio.use_uevent()")
    yield q.queue_event(src)
