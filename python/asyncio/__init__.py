# asyncio for the uevent firmware: MicroPython's asyncio (frozen from the
# pinned dependency) with its IO queue on uevent. See python/README.md.
#
# Compared with upstream's __init__.py: the same names and lazy loading, a
# new_event_loop() that also clears the current task, use_uevent() /
# use_select_poll() / io_backend() to pick the IO queue at run time, and
# wait_event() from ueventio.

from .core import *
from . import core
from . import ueventio
from .ueventio import wait_event

__version__ = (3, 0, 0)

_attrs = {
    "wait_for": "funcs",
    "wait_for_ms": "funcs",
    "gather": "funcs",
    "Event": "event",
    "Lock": "lock",
    "open_connection": "stream",
    "start_server": "stream",
    "StreamReader": "stream",
    "StreamWriter": "stream",
}


# Lazy loader, as upstream's: on first use, `from .mod import attr`.
def __getattr__(attr):
    mod = _attrs.get(attr, None)
    if mod is None:
        raise AttributeError(attr)
    value = getattr(__import__(mod, globals(), None, True, 1), attr)
    globals()[attr] = value
    return value


# Upstream's IO queue (select.poll), kept for use_select_poll().
_select_IOQueue = core.IOQueue


# Resets the loop's state, as upstream's, and also the current task: an
# exception out of the loop's own wait (Ctrl-C in poll_ms, a MemoryError)
# ends run() with its last task still current, which would keep that task
# (and through it the old IO queue) and stop the IO queue switch below.
def new_event_loop():
    core.cur_task = None
    return core.new_event_loop()


def _use(io_queue, flag):
    global ThreadSafeFlag
    if core.cur_task is not None:
        raise RuntimeError("can't switch the IO queue while the loop runs")
    core.IOQueue = io_queue
    ThreadSafeFlag = flag
    # A fresh loop (task queue and IO queue) of the chosen kind.
    new_event_loop()


# The default: tasks waiting on streams, pins, flags and board sources are
# woken by uevent; the loop sleeps in poll_ms until a deadline or an event.
def use_uevent():
    _use(ueventio.IOQueue, ueventio.ThreadSafeFlag)


# Stock MicroPython asyncio: IO queue on select.poll and upstream's
# ThreadSafeFlag (a polled stream). For comparisons and benchmarks.
def use_select_poll():
    from .event import ThreadSafeFlag

    _use(_select_IOQueue, ThreadSafeFlag)


# "uevent" or "select": which IO queue the loop uses.
def io_backend():
    return "uevent" if isinstance(core._io_queue, ueventio.IOQueue) else "select"


use_uevent()
