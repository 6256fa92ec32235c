# The bound on uevent.scheduler_lock() depth counts the locks of the
# running session: a session that ended (soft reset) with locks held left
# them counted for ever, so after a few such resets no lock could be taken.
import uevent

lock = uevent.scheduler_lock()
for _ in range(999):
    lock.__enter__()
print("left 999 locks held")
# --- soft reset ---
import uevent

with uevent.scheduler_lock():
    with uevent.scheduler_lock():
        print("new session nests locks")
