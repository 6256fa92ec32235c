// Points where the port calls into test images (CONFIG_UEVENT_TEST_HOOKS):
// implemented by tests/firmware/hooks/moduevent_test.c, not by the port.
#ifndef UEVENT_PORT_TEST_HOOKS_H
#define UEVENT_PORT_TEST_HOOKS_H

#if defined(CONFIG_UEVENT_TEST_HOOKS)
// Soft reset: stop the hooks' timers and storms before the heap goes.
// Context: boot or soft reset only.
void uevent_test_deinit(void);
// poll_ms popped an entry: an ISR's raise right there, on request.
// Context: Python thread, GIL held; never raises.
void uevent_test_after_pop(void);
#endif

#endif // UEVENT_PORT_TEST_HOOKS_H
