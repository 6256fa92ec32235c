# time: ticks arithmetic and sleep accuracy (QEMU in real time: generous bounds).
import time

t0 = time.ticks_ms()
time.sleep_ms(100)
dt = time.ticks_diff(time.ticks_ms(), t0)
print("sleep_ms(100)", 100 <= dt < 300)

# ticks_us has the kernel tick's resolution (10 ms on qemu_cortex_m3).
t0 = time.ticks_us()
time.sleep_us(50000)
dt = time.ticks_diff(time.ticks_us(), t0)
print("sleep_us(50000)", 40000 <= dt < 250000)

t0 = time.ticks_ms()
time.sleep(0.05)
dt = time.ticks_diff(time.ticks_ms(), t0)
print("sleep(0.05)", 50 <= dt < 250)

print(time.ticks_diff(time.ticks_add(5, -10), 5))
print(time.ticks_diff(time.ticks_ms(), t0) >= 0)
