# machine.Signal over a machine.Pin: the Pin's type carries MicroPython's pin
# protocol (extmod/virtpin.h) inside its source protocol. Before, the Pin
# type had no protocol slot and Signal's first write crashed the firmware.
import machine

led = machine.Pin("led0", machine.Pin.OUT)
sig = machine.Signal(led, invert=True)
sig.on()
print(led.value(), sig.value())
sig.off()
print(led.value(), sig.value())
sig.value(1)
print(led.value(), sig())

# A raw (controller, number) pin, loopback readable on the emulated GPIO.
raw = machine.Pin(("gpio_emul0", 8), machine.Pin.OUT)
plain = machine.Signal(raw)
plain.value(1)
print(raw.value(), plain.value())
plain.value(0)
print(raw.value(), plain.value())
