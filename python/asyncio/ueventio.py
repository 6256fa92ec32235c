# asyncio's IO queue on uevent, ThreadSafeFlag on uevent.Flag, and
# wait_event(). See python/README.md.

import uevent
from . import core


# The tasks waiting on one registered object, one per event bit: t[0] READ,
# t[1] WRITE, t[2] EVENT; a bit is armed exactly while its task waits. It is
# the uevent entry's .data, and each waiting task's .data, so Task.cancel()
# calls remove() on it: O(1), no scan.
class _Waiters:
    def __init__(self, queue):
        self.q = queue
        self.e = None
        self.t = [None, None, None]

    # Called by Task.cancel() (a wait_for timeout cancels too).
    def remove(self, task):
        t = self.t
        for i in (0, 1, 2):
            if t[i] is task:
                t[i] = None
                self.e.unregister(1 << i)
                if t[0] is None and t[1] is None and t[2] is None:
                    self.q._release(self)


class IOQueue:
    def __init__(self):
        self.poller = uevent.poll()
        # core checks `_io_queue.map` for "is anything waiting on IO": the
        # poller's len() is the number of registered objects.
        self.map = self.poller
        self.ready = []  # poll_ms fills this list instead of a new one
        # _Waiters of ended registrations, for the next ones: as many as
        # objects were registered at once at most. With the list above, an
        # await allocates only its generator and the uevent entry.
        self.spare = []

    def _enqueue(self, s, i):
        e = self.poller.register(s, 1 << i)
        w = e.data
        if w is None:
            w = self.spare.pop() if self.spare else _Waiters(self)
            w.e = e
            e.data = w
        if w.t[i] is not None:
            raise RuntimeError("another task waits for this event")
        w.t[i] = core.cur_task
        # Link the task to its waiters so that cancel() can unregister.
        core.cur_task.data = w

    # Ends the registration of `w`, whose tasks are all gone.
    def _release(self, w):
        w.e.unregister()
        self.spare.append(w)

    def queue_read(self, s):
        self._enqueue(s, 0)

    def queue_write(self, s):
        self._enqueue(s, 1)

    # Our addition: wait for EVENT (a Pin edge, a Flag, a Timer expiry, a
    # board source, a UART line error).
    def queue_event(self, s):
        self._enqueue(s, 2)

    # Kept for upstream compatibility; tasks normally link to _Waiters.
    def remove(self, task):
        pass

    def wait_io_event(self, dt):
        # dt: ms until the next timer deadline, or -1: sleep until an event.
        # Kept short: this runs between an event and its task.
        for e in self.poller.poll_ms(dt, self.ready):
            w = e.data
            t = w.t
            f = e.flags
            # Delivered bits were armed, so each has its task; they are
            # one-shot, disarmed already.
            if f & 4:
                core._task_queue.push(t[2])
                t[2] = None
            if f & 1:
                core._task_queue.push(t[0])
                t[0] = None
            if f & 2:
                core._task_queue.push(t[1])
                t[1] = None
            if not e.mask:
                # Nothing armed: no task waits on this object any more.
                e.unregister()
                self.spare.append(w)


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

    async def wait(self):
        f = self._f
        if not f.is_set():
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
