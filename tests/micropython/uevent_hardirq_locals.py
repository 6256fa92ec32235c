# locals() and globals() in a hard IRQ handler: on builds with _thread the
# handler runs with the ISR's own thread state, whose locals and globals
# dicts were never set, so locals() handed the VM a NULL object (a hard
# fault on mps2_an385). They are __main__'s, as in the main thread.
try:
    import _uevent_test

    _uevent_test.in_isr
except (ImportError, AttributeError):
    print("SKIP")
    raise SystemExit

marker = 1


def handler():
    # (nothing allocated: a hard handler may not)
    return type(locals()) is dict and "marker" in globals()


print(_uevent_test.in_isr(handler))
print(_uevent_test.in_isr(lambda: "handler" in locals()))
