// Calling Python from a hard IRQ (ISR context) safely.
//
// Pin and Timer IRQs are MicroPython's mpirq (shared/runtime/mpirq.c): the
// irq object, soft handlers scheduled by mp_irq_dispatch, and an irq whose
// hard handler raised disabled as mp_irq_handler does. A hard handler is
// called as mp_irq_dispatch calls it (scheduler and heap locked, what it
// raised printed), except that here printing that exception cannot escape
// (hard_irq_dispatch). Around it the port adds what its hard IRQs need
// besides: the ISR's own stack for the stack check (only in an
// ISR: gpio-emul calls handlers in the caller's thread, on that thread's
// stack), the depth port_in_hard_irq() reads, a Ctrl-C pending for the
// interrupted code held back, and the IO wake at the end.
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

volatile uint32_t port_hard_irq_depth;

// What a hard handler's call changes around it, put back by hard_irq_leave.
typedef struct _hard_irq_ctx_t {
    mp_obj_t held;
    #if MICROPY_STACK_CHECK
    bool in_isr;
    char *saved_top;
    size_t saved_limit;
    #endif
} hard_irq_ctx_t;

static void hard_irq_enter(hard_irq_ctx_t *ctx) {
    #if MICROPY_STACK_CHECK
    ctx->in_isr = k_is_in_isr();
    ctx->saved_top = MP_STATE_THREAD(stack_top);
    ctx->saved_limit = MP_STATE_THREAD(stack_limit);
    if (ctx->in_isr) {
        // The ISR runs on its own stack: check depth against that one.
        mp_stack_set_top((void *)__builtin_frame_address(0));
        mp_stack_set_limit(CONFIG_ISR_STACK_SIZE - 512);
    }
    #endif
    port_hard_irq_depth++;
    // A KeyboardInterrupt pending for the code a handler runs inside (the
    // gpio-emul driver calls handlers in the caller's thread) is held back
    // until the handler returns: it is that code's, not the handler's.
    ctx->held = MP_STATE_THREAD(mp_pending_exception);
    MP_STATE_THREAD(mp_pending_exception) = MP_OBJ_NULL;
}

static void hard_irq_leave(hard_irq_ctx_t *ctx) {
    if (ctx->held != MP_OBJ_NULL) {
        unsigned int key = irq_lock();
        if (MP_STATE_THREAD(mp_pending_exception) == MP_OBJ_NULL) {
            MP_STATE_THREAD(mp_pending_exception) = ctx->held;
            #if MICROPY_ENABLE_SCHEDULER && !MICROPY_PY_THREAD
            // The scheduler was unlocked without it: without threads the
            // VM sees a pending exception through sched_state only.
            if (MP_STATE_VM(sched_state) == MP_SCHED_IDLE) {
                MP_STATE_VM(sched_state) = MP_SCHED_PENDING;
            }
            #endif
        }
        irq_unlock(key);
    }
    port_hard_irq_depth--;
    // As an interrupt wakes a CPU from WFI on other ports: the handler may
    // have changed what a polled stream reports (an asyncio ThreadSafeFlag
    // of the stock select.poll loop), so generic waits look again.
    port_wake(PORT_WAKE_IO);
    #if MICROPY_STACK_CHECK
    if (ctx->in_isr) {
        MP_STATE_THREAD(stack_top) = ctx->saved_top;
        MP_STATE_THREAD(stack_limit) = ctx->saved_limit;
    }
    #endif
}

// A hard handler's call: mp_irq_dispatch's hard path, with one change.
// Upstream prints the handler's exception after its NLR frame is gone,
// with the heap locked, so an exception while printing (a message whose
// __str__ allocates or raises) escapes the hard IRQ: out of an ISR, with
// the heap and the scheduler left locked. Here the print has a frame of
// its own, entered only when the handler raised. Returns -1 then, as
// mp_irq_dispatch does. Context: any (ISR-safe), inside hard_irq_enter.
static int hard_irq_dispatch(mp_obj_t handler, mp_obj_t parent) {
    if (handler == mp_const_none) {
        return 0;
    }
    int ret = 0;
    mp_sched_lock();
    gc_lock();
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_call_function_1(handler, parent);
        nlr_pop();
    } else {
        ret = -1;
        mp_obj_t exc = MP_OBJ_FROM_PTR(nlr.ret_val);
        if (nlr_push(&nlr) == 0) {
            mp_printf(MICROPY_ERROR_PRINTER, "Uncaught exception in IRQ callback handler\n");
            mp_obj_print_exception(MICROPY_ERROR_PRINTER, exc);
            nlr_pop();
        } else {
            mp_print_str(MICROPY_ERROR_PRINTER, "<exception could not be printed>\n");
        }
    }
    gc_unlock();
    mp_sched_unlock();
    return ret;
}

void port_irq_handler(mp_irq_obj_t *irq) {
    if (!irq->ishard) {
        mp_irq_handler(irq);    // scheduled
        return;
    }
    hard_irq_ctx_t ctx;
    hard_irq_enter(&ctx);
    if (hard_irq_dispatch(irq->handler, irq->parent) < 0) {
        // As mp_irq_handler does: a handler that raised runs no more.
        irq->methods->trigger(irq->parent, 0);
        irq->handler = mp_const_none;
    }
    hard_irq_leave(&ctx);
}

int port_irq_dispatch(mp_obj_t handler, mp_obj_t parent, bool ishard) {
    if (!ishard) {
        return mp_irq_dispatch(handler, parent, false);
    }
    hard_irq_ctx_t ctx;
    hard_irq_enter(&ctx);
    int ret = hard_irq_dispatch(handler, parent);
    hard_irq_leave(&ctx);
    return ret;
}

bool port_call_hard_irq_result(mp_obj_t handler, mp_obj_t arg, mp_obj_t *result) {
    bool ok = true;
    hard_irq_ctx_t ctx;
    hard_irq_enter(&ctx);
    mp_sched_lock();
    gc_lock();
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        // (n args from a real array even for none: a bound method or a
        // closure memcpy()s them, and NULL there is undefined behaviour)
        *result = mp_call_function_n_kw(handler, arg == MP_OBJ_NULL ? 0 : 1, 0, &arg);
        nlr_pop();
    } else {
        ok = false;
        *result = MP_OBJ_FROM_PTR(nlr.ret_val);
    }
    gc_unlock();
    mp_sched_unlock();
    hard_irq_leave(&ctx);
    return ok;
}
