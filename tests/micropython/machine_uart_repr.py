# repr(uart) shows only what the constructor takes: evaluated, it makes a
# UART again. (It used to show rxbuf=, which the constructor refuses.)
import machine

try:
    u = machine.UART("uart1")
except ValueError:
    print("SKIP")  # no second UART here (native_sim)
    raise SystemExit

r = repr(u)
print(r.startswith('UART("'), "rxbuf" in r)
again = eval(r, {"UART": machine.UART})
print(type(again) is machine.UART, repr(again) == r)
