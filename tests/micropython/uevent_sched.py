# Soft callbacks and uevent: scheduled callbacks run while poll_ms waits,
# scheduler_lock() defers them, and poll_ms refuses re-entry.
import machine
import micropython
import time
import uevent

p = uevent.poll()
f = uevent.Flag()
ef = p.register(f, uevent.EVENT)

# micropython.schedule() from a hard IRQ: the callback runs during poll_ms
# and its Flag.set() ends the wait.
ran = []


def soft(arg):
    ran.append(arg)
    f.set()


tim = machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=50, callback=lambda t: micropython.schedule(soft, 7), hard=True)
t0 = time.ticks_ms()
r = p.poll_ms(2000)
print([x is ef for x in r], ran, time.ticks_diff(time.ticks_ms(), t0) < 200)

# scheduler_lock() defers soft callbacks until released; it nests.
ran.clear()
with uevent.scheduler_lock():
    with uevent.scheduler_lock():
        micropython.schedule(soft, 1)
        time.sleep_ms(20)
        print("inner", ran)
    time.sleep_ms(20)
    print("outer", ran)
time.sleep_ms(1)
print("after", ran)
p.register(f, uevent.EVENT)
print(len(p.poll_ms(0)))

# poll_ms from a scheduled callback while the same poller waits: a clear
# RuntimeError inside the callback, and the outer wait carries on.
errors = []


def reenter(arg):
    try:
        p.poll_ms(0)
    except RuntimeError as ex:
        errors.append(str(ex))
    f.set()


p.register(f, uevent.EVENT)
tim.init(mode=machine.Timer.ONE_SHOT, period=50, callback=lambda t: micropython.schedule(reenter, None), hard=True)
r = p.poll_ms(2000)
print(len(r), errors)

# Another poller may be used from a callback.
q = uevent.poll()
g = uevent.Flag()
q.register(g, uevent.EVENT)
got = []


def other(arg):
    g.set()
    got.append(len(q.poll_ms(0)))
    f.set()


p.register(f, uevent.EVENT)
tim.init(mode=machine.Timer.ONE_SHOT, period=50, callback=lambda t: micropython.schedule(other, None), hard=True)
print(len(p.poll_ms(2000)), got)

# Closing the poller from a callback while it waits: poll_ms raises.
def closer(arg):
    p.close()


p.register(f, uevent.EVENT)
tim.init(mode=machine.Timer.ONE_SHOT, period=50, callback=lambda t: micropython.schedule(closer, None), hard=True)
try:
    p.poll_ms(2000)
except ValueError as ex:
    print("ValueError", ex)
tim.deinit()
q.close()
print(uevent.stats()["pollers_in_use"])

# A scheduler_lock released without being held is an error, and leaves the
# scheduler as it was: callbacks still run.
lk = uevent.scheduler_lock()
try:
    lk.__exit__(None, None, None)
except RuntimeError as ex:
    print("RuntimeError", ex)
ran.clear()
micropython.schedule(soft, 3)
time.sleep_ms(1)
print("still runs", ran)
