# An entry queued again (as by an ISR) while poll_ms builds its result list
# is listed once, with the bits of both deliveries: the first is not lost
# (issue #10, point 5: the copy listed second overwrote the first's flags).
import sys

import _uevent_test
import uevent

p = uevent.poll()
# The console is a level source: READ while input is buffered.
_uevent_test.console_input(b"\n")  # a blank line: harmless to the raw REPL
e = p.register(sys.stdin, uevent.READ | uevent.EVENT)
_uevent_test.raise_during_collect(sys.stdin, uevent.EVENT)
r = p.poll_ms(100)
print(len(r), r[0] is e, r[0].flags == uevent.READ | uevent.EVENT)
# Both bits were delivered, so both are disarmed now.
print("mask", e.mask)
p.close()
