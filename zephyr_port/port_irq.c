// Calling Python from a hard IRQ (ISR context) safely.
#include <zephyr/kernel.h>

#include "py/gc.h"
#include "py/runtime.h"
#include "py/stackctrl.h"
#include "port_irq.h"
#include "port_wait.h"

// Hard IRQ handlers running now (nested ISRs add up).
static volatile uint32_t port_hard_irq_depth;

bool port_in_hard_irq(void) {
    return port_hard_irq_depth > 0 || k_is_in_isr();
}

bool port_call_hard_irq(mp_obj_t handler, mp_obj_t arg) {
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
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_call_function_1(handler, arg);
        nlr_pop();
    } else {
        ok = false;
        mp_printf(MICROPY_ERROR_PRINTER, "Uncaught exception in hard IRQ callback:\n");
        mp_obj_print_exception(MICROPY_ERROR_PRINTER, MP_OBJ_FROM_PTR(nlr.ret_val));
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
