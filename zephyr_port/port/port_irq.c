// Calling Python from a hard IRQ (ISR context) safely.
#include <zephyr/kernel.h>

#include "py/gc.h"
#include "py/runtime.h"
#include "py/stackctrl.h"
#include "port_irq.h"
#include "port_wait.h"

// One CPU: hard IRQ handlers run inside whatever held the GIL, their depth
// below is a plain counter, the console and UART ring buffers have one
// writer (the ISR) and one reader with no barriers, Pin uses irq_lock, and
// the GC scans other threads while they are switched out
// (docs/uevent.md, "One CPU").
BUILD_ASSERT(!IS_ENABLED(CONFIG_SMP), "the port assumes a single CPU (CONFIG_SMP=n)");

// Hard IRQ handlers running now (nested ISRs add up).
static volatile uint32_t port_hard_irq_depth;

bool port_in_hard_irq(void) {
    return port_hard_irq_depth > 0 || k_is_in_isr();
}

// Prints the exception a hard IRQ handler raised. Called on the ISR's own
// stack limits; nothing may escape from here (an ISR has no NLR frame of
// its own above this), so an error while printing is dropped.
static void hard_irq_print_error(mp_obj_t exc) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_printf(MICROPY_ERROR_PRINTER, "Uncaught exception in hard IRQ callback:\n");
        mp_obj_print_exception(MICROPY_ERROR_PRINTER, exc);
        nlr_pop();
    }
}

static bool hard_irq_call(mp_obj_t handler, mp_obj_t arg, mp_obj_t *result, bool print_error) {
    bool ok = true;
    bool in_isr = k_is_in_isr();
    #if MICROPY_STACK_CHECK
    char *saved_top = MP_STATE_THREAD(stack_top);
    size_t saved_limit = MP_STATE_THREAD(stack_limit);
    if (in_isr) {
        // The ISR runs on its own stack: check depth against that one.
        mp_stack_set_top((void *)__builtin_frame_address(0));
        mp_stack_set_limit(MICROPY_STACK_SIZE_HARD_IRQ - 512);
    }
    #endif
    port_hard_irq_depth++;
    mp_sched_lock();
    gc_lock();
    // A KeyboardInterrupt pending for the code a handler runs inside (the
    // gpio-emul driver calls handlers in the caller's thread) is held back
    // until the handler returns: it is that code's, not the handler's.
    mp_obj_t held = MP_STATE_THREAD(mp_pending_exception);
    MP_STATE_THREAD(mp_pending_exception) = MP_OBJ_NULL;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        // (n args from a real array even for none: a bound method or a
        // closure memcpy()s them, and NULL there is undefined behaviour)
        *result = mp_call_function_n_kw(handler, arg == MP_OBJ_NULL ? 0 : 1, 0, &arg);
        nlr_pop();
    } else {
        ok = false;
        *result = MP_OBJ_FROM_PTR(nlr.ret_val);
        if (print_error) {
            hard_irq_print_error(*result);
        }
    }
    if (held != MP_OBJ_NULL) {
        unsigned int key = irq_lock();
        if (MP_STATE_THREAD(mp_pending_exception) == MP_OBJ_NULL) {
            MP_STATE_THREAD(mp_pending_exception) = held;
        }
        irq_unlock(key);
    }
    gc_unlock();
    mp_sched_unlock();
    port_hard_irq_depth--;
    // As an interrupt wakes a CPU from WFI on other ports: the handler may
    // have changed what a polled stream reports (an asyncio ThreadSafeFlag
    // of the stock select.poll loop), so generic waits look again.
    port_wake(PORT_WAKE_IO);
    #if MICROPY_STACK_CHECK
    if (in_isr) {
        MP_STATE_THREAD(stack_top) = saved_top;
        MP_STATE_THREAD(stack_limit) = saved_limit;
    }
    #endif
    return ok;
}

bool port_call_hard_irq_result(mp_obj_t handler, mp_obj_t arg, mp_obj_t *result) {
    return hard_irq_call(handler, arg, result, false);
}

bool port_call_hard_irq(mp_obj_t handler, mp_obj_t arg) {
    mp_obj_t result;
    return hard_irq_call(handler, arg, &result, true);
}
