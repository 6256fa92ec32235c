# machine.SPI on Zephyr's emulated SPI controller (tests/firmware/repl/
# emulated_buses.overlay: a 128-byte register file on chip select 0 whose
# register r holds 0x80 + r at boot, test_spi_regs.c): the first byte is
# the register, bit 7 set to read; the byte read during it is 0.
import machine

SPI = machine.SPI
READ = 0x80


def show(f, message=True):
    # message=False: the text names a count that differs by board.
    try:
        r = f()
    except Exception as e:
        print(type(e).__name__, e if message else "")
    else:
        print(r)


spi = SPI("spi_emul0", 500000)
print(spi)
print("by alias", str(SPI("test_spi")).split(",")[0])
# Chip select is a Pin the caller drives, as in upstream MicroPython.
cs = machine.Pin(("gpio_emul0", 27), machine.Pin.OUT, value=1)

buf = bytearray(4)
cs(0)
spi.write_readinto(bytes((READ | 0x02, 0, 0, 0)), buf)
cs(1)
print(buf)
# Write two registers, read them back three ways.
spi.write(b"\x02\x11\x22")
spi.write_readinto(bytes((READ | 0x02, 0, 0, 0)), buf)
print(buf)
print(spi.read(3, READ | 0x01))
buf = bytearray(3)
spi.readinto(buf, READ | 0x03)
print(buf)
# In place: the same buffer out and in.
buf = bytearray((READ | 0x10, 0, 0))
spi.write_readinto(buf, buf)
print(buf)

# Settings: init() changes only what it is given.
spi.init(polarity=1, phase=1)
print(spi)
spi.init(baudrate=2000000, firstbit=SPI.LSB)
print(spi)
print(spi.read(2, READ | 0x04))
spi.init(firstbit=SPI.MSB, polarity=0, phase=0)

# Bad arguments.
show(lambda: SPI("spi_emul0", 0))
show(lambda: SPI("spi_emul0", bits=16))
show(lambda: SPI("spi_emul0", firstbit=5))
show(lambda: SPI("no_such_bus"))
show(lambda: SPI(99), False)
show(lambda: SPI(1.5))
show(lambda: spi.write(5))
show(lambda: spi.readinto(b"ro"))
show(lambda: spi.write_readinto(b"ab", bytearray(3)))
