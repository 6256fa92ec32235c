# A fresh session after a soft reset: asyncio's C parts must not reach into
# the last session's heap (they kept a pointer to asyncio.core's globals,
# and wait_event() of a Timer or Pin, before any task, read it: KeyError on
# mps2_an385, a hang on qemu_cortex_m3).
import asyncio
import machine

timer = machine.Timer(-1)


async def main():
    timer.init(mode=machine.Timer.ONE_SHOT, period=5)
    await asyncio.wait_event(timer)
    return "first session woke"


print(asyncio.run(main()))
# --- soft reset ---
import asyncio
import machine

timer = machine.Timer(-1)
aw = asyncio.wait_event(timer)  # before any task of this session
print("awaitable made:", type(aw).__name__)
try:
    aw.send(None)  # stepped outside a task
except RuntimeError as e:
    print("RuntimeError:", e)


async def main():
    timer.init(mode=machine.Timer.ONE_SHOT, period=5)
    await asyncio.wait_event(timer)
    return "second session woke"


print(asyncio.run(main()))
