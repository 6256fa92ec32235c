# machine.I2C on Zephyr's emulated I2C controller (tests/firmware/repl/
# emulated_buses.overlay: a 256-byte register file at 0x50 whose register r
# holds r at boot, test_i2c_regs.c; nothing else on the bus), and SoftI2C
# and SoftSPI on emulated pins 22-26, which nothing else uses.
import _uevent_test
import machine

I2C = machine.I2C
ADDR = 0x50
EMPTY = 0x51
ERRNO = {5: "EIO", 19: "ENODEV", 110: "ETIMEDOUT"}  # no errno module on BASIC boards


def show(f, message=True):
    # message=False: the text names a count that differs by board.
    try:
        r = f()
    except Exception as e:
        if isinstance(e, OSError):
            print(type(e).__name__, ERRNO.get(e.errno, e.errno))
        else:
            print(type(e).__name__, e if message else "")
    else:
        print(r)


i2c = I2C("i2c_emul0")
print(i2c)
print("by alias", repr(I2C("test_i2c")) == repr(i2c))
print("scan", i2c.scan())

# Registers: read, write and read back, with a repeated start in between.
print(i2c.readfrom_mem(ADDR, 0x10, 4))
buf = bytearray(3)
i2c.readfrom_mem_into(ADDR, 0x20, buf)
print(buf)
i2c.writeto_mem(ADDR, 0x10, b"\xaa\xbb")
print(i2c.readfrom_mem(ADDR, 0x10, 3))
# Plain transfers: the first byte written sets the register pointer.
print("acks", i2c.writeto(ADDR, b"\x40"))
print(i2c.readfrom(ADDR, 2))
buf = bytearray(2)
i2c.readfrom_into(ADDR, buf)
print(buf)
print("acks", i2c.writevto(ADDR, (b"\x30", b"\x01", b"\x02\x03")))
print(i2c.readfrom_mem(ADDR, 0x30, 3))
# Without a stop in between (two Zephyr transfers): the pointer stays.
i2c.writeto(ADDR, b"\x31", False)
print(i2c.readfrom(ADDR, 1))

# An address nobody answers: a NACK is OSError(EIO), never a hang.
show(lambda: i2c.readfrom(EMPTY, 1))
show(lambda: i2c.writeto(EMPTY, b"x"))
show(lambda: i2c.readfrom_mem(EMPTY, 0, 1))
show(lambda: i2c.writeto_mem(EMPTY, 0, b"x"))

# Bus speed: Zephyr's speeds only.
print(I2C("i2c_emul0", freq=400000))
show(lambda: I2C("i2c_emul0", freq=123))
# Bad arguments.
show(lambda: I2C("no_such_bus"))
show(lambda: I2C(99), False)
show(lambda: I2C(-1), False)
show(lambda: I2C(1.5))
show(lambda: i2c.writeto(ADDR, 5))
show(lambda: i2c.readfrom_mem_into(ADDR, 0, b"ro"))
show(lambda: I2C("i2c_emul0", scl=1))

# SoftI2C on two emulated pins with nothing attached: released lines read
# high (pull-ups), so every address NACKs.
s = machine.SoftI2C(scl=("gpio_emul0", 22), sda=("gpio_emul0", 23), freq=100000)
print("soft scan", s.scan())
show(lambda: s.writeto(ADDR, b"x"))

# SoftSPI: MISO follows what the test drives; MOSI ends on the last bit.
miso = machine.Pin(("gpio_emul0", 26))
mosi = machine.Pin(("gpio_emul0", 25))
spi = machine.SoftSPI(
    baudrate=100000, sck=("gpio_emul0", 24), mosi=mosi, miso=miso, polarity=0, phase=0
)
_uevent_test.set_input(miso, 1)
print(spi.read(2))
_uevent_test.set_input(miso, 0)
print(spi.read(2, 0xFF))
spi.write(b"\x01")
print("mosi", mosi())
spi.write(b"\x02")
print("mosi", mosi())
buf = bytearray(2)
_uevent_test.set_input(miso, 1)
spi.write_readinto(b"\x00\x00", buf)
print(buf)
show(lambda: machine.SoftSPI(baudrate=100000, sck=("nope", 1), mosi=mosi, miso=miso))
