# os.urandom on boards whose zephyr,entropy device has a Zephyr driver
# (CONFIG_MICROPY_OS_URANDOM: native_sim here, the nRF52 RNG on devkits).
try:
    from os import urandom
except ImportError:
    print("SKIP")
    raise SystemExit

for n in (0, 1, 16, 300):
    b = urandom(n)
    print(n, type(b) is bytes and len(b) == n)
# 32 random bytes twice: equal with a chance of 2**-256.
print("differ", urandom(32) != urandom(32))
# Not stuck at one value: 256 bytes take more than 64 distinct values
# (a uniform source gives about 162).
print("spread", len(set(urandom(256))) > 64)
try:
    urandom(-1)
except ValueError:
    print("ValueError")
