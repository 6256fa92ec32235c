# Ctrl-C that arrives while a hard IRQ handler runs is for the main
# program, not for the handler: on builds with _thread the VM raised it
# inside the handler (printed as "Uncaught exception in hard IRQ callback:
# KeyboardInterrupt") and the program never saw it. Here Ctrl-C is typed in
# an ISR (_uevent_test.in_isr(fn, ctrl_c=True)) right before a handler with
# a branch runs in that same ISR, as when the console's and a timer's
# interrupts come together.
import _uevent_test


def handler():
    n = 0
    for i in range(3):  # branches: where the VM looks for pending exceptions
        n += i
    return n


try:
    ok, result = _uevent_test.in_isr(handler, True)
    print("handler:", ok, result)
    for _ in range(10):
        pass
    print("no KeyboardInterrupt")
except KeyboardInterrupt:
    print("KeyboardInterrupt reached the main program")
