# _thread: an uncaught exception in a thread is printed; _thread.exit() is silent.
try:
    import _thread
except ImportError:
    print("SKIP")
    raise SystemExit
import time

done = _thread.allocate_lock()
done.acquire()


class Job:
    def __init__(self, exc):
        self.exc = exc

    def __repr__(self):
        return "<Job %s>" % self.exc.__name__

    def __call__(self):
        try:
            raise self.exc("from thread")
        finally:
            done.release()


_thread.start_new_thread(Job(ValueError), ())
done.acquire()
time.sleep_ms(20)

# SystemExit (and _thread.exit()) end a thread without a message.
_thread.start_new_thread(Job(SystemExit), ())
done.acquire()
time.sleep_ms(20)


def quits():
    done.release()
    _thread.exit()
    print("not reached")


_thread.start_new_thread(quits, ())
done.acquire()
time.sleep_ms(20)
print("main alive")
