# The asyncio package of this firmware. core's names are asyncio's; the
# rest (wait_for, gather, Event, Lock, streams) load on first use through
# MicroPython's own package file (extmod/asyncio/__init__.py of the pinned
# dependency, frozen unchanged as asyncio.stock: python/manifest.py). This
# file adds the IO-queue choice and wait_event(), and installs asyncio on
# uevent. python/README.md says what differs from stock asyncio and why.

from .core import *
from .stock import __version__
from . import stock, core
import uevent

# What use_uevent() installs, all C (zephyr_port/asyncio/): the IO queue,
# where each waiting task sits in its uevent entry; the run loop that sleeps
# in it (core.run_until_complete, same semantics); sleep_ms (upstream's,
# one re-armed awaitable); and ThreadSafeFlag, which is uevent.Flag.
_IOQueue = uevent.IOQueue

# `await wait_event(src)`: until `src` raises EVENT after the await began.
# `src` is a machine.Pin with IRQ edges set (pin.irq(trigger=...)), a
# machine.Timer, a uevent.Flag, a uevent board source or its name ("sw0").
wait_event = _IOQueue.wait_event


# Names stock asyncio loads on first use (wait_for, gather, Event, Lock,
# streams): stock's loader finds them; they are kept here once found.
def __getattr__(name):
    value = stock.__getattr__(name)
    globals()[name] = value
    return value


# core.IOQueue and the run loop as the dependency defines them (select.poll,
# Python), before use_uevent() replaces them: what use_select_poll() goes
# back to.
_select_IOQueue = core.IOQueue
_python_run_until_complete = core.run_until_complete
_python_sleep_ms = core.sleep_ms


# Upstream's Python loop, leaving no task current however it ends (the C
# loop does the same): an exception out of its wait (Ctrl-C in poll_ms, a
# MemoryError) would otherwise leave its last task current, and _install()
# below would refuse to switch.
def _python_loop(main_task=None):
    try:
        return _python_run_until_complete(main_task)
    finally:
        core.cur_task = None


def _install(io_queue_type, flag_type, run_loop, sleeper):
    global ThreadSafeFlag, run_until_complete, sleep_ms
    if core.cur_task is not None:
        raise RuntimeError("can't switch the IO queue while the loop runs")
    core.IOQueue = io_queue_type
    # run(), Loop.run_until_complete() and run_forever() call core's global;
    # sleep(), wait_for_ms() and the streams call core.sleep_ms.
    core.run_until_complete = run_until_complete = run_loop
    core.sleep_ms = sleep_ms = sleeper
    ThreadSafeFlag = flag_type
    new_event_loop()


# The default: the loop (in C) sleeps in uevent's poll_ms until its next
# deadline or an event, and pins, flags, streams and board sources wake
# their tasks.
def use_uevent():
    _install(_IOQueue, uevent.Flag, _IOQueue.run_until_complete, _IOQueue.sleep_ms)


# Stock MicroPython asyncio (select.poll and its polled ThreadSafeFlag), to
# compare against and for benchmarks.
def use_select_poll():
    from .event import ThreadSafeFlag as stock_flag

    _install(_select_IOQueue, stock_flag, _python_loop, _python_sleep_ms)


# Which IO queue the current loop has: "uevent" or "select".
def io_backend():
    return "uevent" if isinstance(core._io_queue, _IOQueue) else "select"


use_uevent()
