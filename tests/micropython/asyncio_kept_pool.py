# Registrations kept for woken tasks give way when the entry pool runs out:
# a new wait got "OSError: uevent entries used up" although up to 8 entries
# were only kept for reuse. A user poller fills the pool but for 3 entries;
# then one task waits on 8 set Flags in turn while another task is always
# ready, so the loop never sleeps (each wait is ready at once, and keeps
# its registration until the loop sleeps).
import asyncio
import uevent

keep = uevent.poll()
filler = []
free = uevent.stats()["entries_max"] - uevent.stats()["entries_in_use"]
for _ in range(free - 3):
    f = uevent.Flag()
    keep.register(f, uevent.EVENT)
    filler.append(f)
print("free entries:", uevent.stats()["entries_max"] - uevent.stats()["entries_in_use"])

flags = [asyncio.ThreadSafeFlag() for _ in range(8)]
for f in flags:
    f.set()


async def busy(done):
    while not done:
        await asyncio.sleep_ms(0)


async def main():
    done = []
    asyncio.create_task(busy(done))
    n = 0
    for f in flags:
        await asyncio.wait_event(f)
        n += 1
    done.append(1)
    await asyncio.sleep_ms(0)
    return n


try:
    print("waits done:", asyncio.run(main()))
except OSError as e:
    print("OSError:", e)
keep.close()
print("entries left in use:", uevent.stats()["entries_in_use"])
