// The awaitable of one event (uevent_await.c): what uevent.Flag's wait()
// needs of asyncio, apart from the rest of uevent_asyncio.h.
#ifndef UEVENT_AWAIT_H
#define UEVENT_AWAIT_H

#include <stdbool.h>
#include "py/obj.h"

// An await of one EVENT of `src` by the current task (wait_event(src));
// with `flag_wait`, src is a uevent.Flag that a finished wait clears, and
// a flag already set yields once instead of parking (Flag.wait()).
// Raises outside a task's step.
// Context: Python thread, GIL held; may raise.
mp_obj_t uevent_await_new(mp_obj_t src, bool flag_wait);

#endif // UEVENT_AWAIT_H
