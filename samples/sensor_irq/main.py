# sensor_irq: a sensor's interrupt line wakes an asyncio task, which reads
# the sensor over I2C. The sensor is a Bosch BMI160 (accelerometer and
# gyroscope) at 0x68 on the bus the devicetree alias sensor-i2c names; its
# INT1 line is the board source imu_int (a uevent,pin-source in the board's
# overlay). setup() makes INT1 pulse on every new sample (data ready).
# Between samples the loop sleeps in uevent's poll_ms: nothing polls.
import asyncio
import struct
import time

import machine
import uevent

try:
    import _uevent_test  # QEMU builds: the demo pulses the emulated INT1
except ImportError:
    _uevent_test = None

ADDR = 0x68
REG_CHIP_ID, CHIP_ID = 0x00, 0xD1
REG_DATA = 0x0C  # gyro x, y, z then accel x, y, z: little-endian int16
REG_ACC_CONF, REG_ACC_RANGE = 0x40, 0x41
REG_INT_EN_1, REG_INT_OUT_CTRL, REG_INT_MAP_1 = 0x51, 0x53, 0x56
REG_CMD, CMD_ACC_NORMAL, CMD_GYR_NORMAL = 0x7E, 0x11, 0x15
DEMO_SAMPLES = 5

i2c = machine.I2C("sensor_i2c")


def write(reg, value):
    i2c.writeto_mem(ADDR, reg, bytes((value,)))


def setup():
    chip = i2c.readfrom_mem(ADDR, REG_CHIP_ID, 1)[0]
    if chip != CHIP_ID:
        raise OSError("no BMI160 at 0x%02x: chip id 0x%02x" % (ADDR, chip))
    write(REG_CMD, CMD_ACC_NORMAL)  # accelerometer on (about 4 ms)
    time.sleep_ms(5)
    write(REG_CMD, CMD_GYR_NORMAL)  # gyroscope on (up to 80 ms)
    time.sleep_ms(80)
    write(REG_ACC_RANGE, 0x03)  # +-2 g: 16384 per g
    write(REG_ACC_CONF, 0x26)  # 25 Hz, normal filter
    write(REG_INT_OUT_CTRL, 0x0A)  # INT1: output, push-pull, active high
    write(REG_INT_MAP_1, 0x80)  # data ready -> INT1
    write(REG_INT_EN_1, 0x10)  # data ready interrupt on
    return chip


async def read_samples(count):
    # count None: for ever.
    n = 0
    w0 = uevent.stats()["wakeups"]
    while count is None or n < count:
        await asyncio.wait_event("imu_int")  # sleeps until INT1 rises
        n += 1
        gx, gy, gz, ax, ay, az = struct.unpack("<6h", i2c.readfrom_mem(ADDR, REG_DATA, 12))
        print(
            "sensor_irq: sample %d accel %d %d %d mg gyro %d %d %d dps"
            % (n, ax * 1000 // 16384, ay * 1000 // 16384, az * 1000 // 16384,
               gx * 10 // 164, gy * 10 // 164, gz * 10 // 164)
        )  # fmt: skip
    return n, uevent.stats()["wakeups"] - w0


async def main():
    print("sensor_irq: BMI160 chip id 0x%02x on %s" % (setup(), i2c))
    if _uevent_test is None:
        await read_samples(None)  # a devkit: until Ctrl-C
        return
    # QEMU: a hard timer pulses INT1 at 25 Hz, as the sensor would.
    int1 = machine.Pin(("gpio_emul0", 16))
    _uevent_test.set_input(int1, 0)

    def pulse(t):
        _uevent_test.set_input(int1, 1)
        _uevent_test.set_input(int1, 0)

    timer = machine.Timer(-1, mode=machine.Timer.PERIODIC, period=40, callback=pulse, hard=True)
    n, wakeups = await read_samples(DEMO_SAMPLES)
    timer.deinit()
    print("sensor_irq: demo done, %d samples, %d loop wake-ups" % (n, wakeups))


asyncio.run(main())
