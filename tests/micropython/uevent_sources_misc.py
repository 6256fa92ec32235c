# Other sources: machine.Timer as a source, explicitly polled streams, and
# the board's entry capacity.
import io
import machine
import time
import uevent

p = uevent.poll()

# A periodic Timer raises EVENT on each expiry; expiries while disarmed
# coalesce.
tim = machine.Timer(-1, mode=machine.Timer.PERIODIC, period=20)
et = p.register(tim, uevent.EVENT)
n = 0
t0 = time.ticks_ms()
while n < 5:
    n += len(p.poll_ms(1000))
    p.register(tim, uevent.EVENT)
dt = time.ticks_diff(time.ticks_ms(), t0)
print("timer", n, 80 <= dt <= 200)
et.unregister()
tim.deinit()


# A stream that only has the ioctl is polled explicitly while armed.
class Stream(io.IOBase):
    def __init__(self):
        self.ready = 0
        self.asked = 0

    def ioctl(self, req, arg):
        if req == 3:  # MP_STREAM_POLL
            self.asked += 1
            return arg & self.ready
        return -1


s = Stream()
es = p.register(s, uevent.READ)
print(p.poll_ms(0))
tim.init(mode=machine.Timer.ONE_SHOT, period=50, callback=lambda t: setattr(s, "ready", 1))
t0 = time.ticks_ms()
r = p.poll_ms(2000)
print([x is es for x in r], es.flags, time.ticks_diff(time.ticks_ms(), t0) < 200, s.asked > 1)
# Stream readiness is a level: still readable, so re-arming delivers again.
p.register(s, uevent.READ)
print(len(p.poll_ms(0)))
s.ready = 0
p.register(s, uevent.READ)
print(p.poll_ms(0))
es.unregister()
tim.deinit()

# Capacity: register Flags until the pool is used up; the error is clear,
# nothing is corrupted, and everything is returned on close().
stats = uevent.stats()
base = stats["entries_in_use"]
cap = stats["entries_max"]
q = uevent.poll()
flags = []
try:
    while True:
        fl = uevent.Flag()
        q.register(fl, uevent.EVENT)
        flags.append(fl)
except OSError as ex:
    print("OSError", "entries used up" in str(ex))
print(len(flags) == cap - base)
flags[-1].set()
r = q.poll_ms(0)
print(len(r), r[0].obj is flags[-1])
q.close()
print(uevent.stats()["entries_in_use"] == base)
p.close()
print(uevent.stats()["entries_in_use"], uevent.stats()["pollers_in_use"])
