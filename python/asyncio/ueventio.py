# asyncio on uevent: the parts use_uevent() installs. All C (see
# python/README.md): the IO queue, the run loop that sleeps in it, the
# awaitable of one event, and ThreadSafeFlag.

import uevent

# Each waiting task sits in its uevent entry, and the loop's wait pushes
# the task of each delivered event straight onto the task queue
# (zephyr_port/uevent/uevent_ioqueue.c).
IOQueue = uevent.IOQueue

# core.run_until_complete in C, same semantics: a step of the loop is a few
# C calls and the task's resumption (zephyr_port/uevent/uevent_asyncio_loop.c).
run_until_complete = IOQueue.run_until_complete

# `await wait_event(src)`: until `src` raises EVENT after the await began.
# `src` is a machine.Pin with IRQ edges set (pin.irq(trigger=...)), a
# machine.Timer, a uevent.Flag, a uevent board source or its name ("sw0").
wait_event = IOQueue.wait_event

# Upstream's shape: set() from a hard IRQ, another thread or a soft
# callback; `await flag.wait()`, self-clearing; plus is_set(). wait() on a
# flag already set still yields once, so a consumer slower than its ISR lets
# the other tasks run.
ThreadSafeFlag = uevent.Flag
