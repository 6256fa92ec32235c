/*
 * _thread on Zephyr threads.
 *
 * Each Python thread is a Zephyr thread at the main thread's priority, with
 * a stack from a static pool: CONFIG_MICROPY_THREAD_MAX stacks of
 * CONFIG_MICROPY_THREAD_STACK_SIZE bytes. A static pool (rather than
 * k_thread_stack_alloc with CONFIG_DYNAMIC_THREAD) keeps the RAM cost fixed
 * and visible at link time. A slot is reused once its thread has exited
 * (k_thread_join), so finished threads need no collection pass.
 *
 * MicroPython's per-thread state (mp_state_thread_t) is the thread's k_thread
 * custom data. The GIL serialises Python: it is released around every wait
 * (port_wait.c, uevent poll_ms, lock.acquire) and every few VM branches, and
 * its release yields so that a thread of equal priority waiting for it runs.
 * The slot table is only changed with the GIL held.
 *
 * Single core only: gc_collect (by the GIL holder) scans the other threads
 * while they are switched out.
 */
#include <stdio.h>

#include <zephyr/kernel.h>

#include "py/gc.h"
#include "py/mperrno.h"
#include "py/mpthread.h"
#include "py/runtime.h"
#include "port_hard_irq.h"
#include "port_wait.h"

#if MICROPY_PY_THREAD


// Kept out of MicroPython's stack budget: the frames above the thread's
// state, exception frames, and kernel calls made at the Python depth limit.
#define THREAD_STACK_RESERVE (1024)

enum {
    SLOT_FREE = 0,
    SLOT_STARTING,      // created, waiting for the GIL to run Python
    SLOT_RUNNING,       // running Python (ts valid)
    SLOT_FINISHED,      // Python done; the Zephyr thread is exiting
    SLOT_ORPHANED,      // left alive at soft reset, exits at its next GIL take
};

typedef struct _thread_slot_t {
    struct k_thread thread;
    mp_state_thread_t *ts;      // set by mp_thread_start, NULL otherwise
    void *arg;                  // entry argument (GC heap): a root until the end
    uint8_t status;
} thread_slot_t;

K_THREAD_STACK_ARRAY_DEFINE(thread_stacks, CONFIG_MICROPY_THREAD_MAX, CONFIG_MICROPY_THREAD_STACK_SIZE);
static thread_slot_t thread_slots[CONFIG_MICROPY_THREAD_MAX];
static k_tid_t main_tid;
static volatile int thread_orphans;

static thread_slot_t *thread_slot_current(void) {
    k_tid_t tid = k_current_get();
    for (size_t i = 0; i < CONFIG_MICROPY_THREAD_MAX; i++) {
        if (&thread_slots[i].thread == tid) {
            return &thread_slots[i];
        }
    }
    return NULL;
}

// The state hard IRQ handlers run with in an ISR (port_irq.c): their own, so
// nothing of the thread they interrupted is seen or changed there, above
// all a pending KeyboardInterrupt (Ctrl-C goes to the main thread's state,
// and the VM would otherwise raise it inside the handler, which swallows
// it). Nested ISRs share it: each handler restores what it changes.
static mp_state_thread_t isr_thread_state;

// MP_STATE_THREAD(x) resolves through here. In an ISR it is
// isr_thread_state; on a Zephyr thread that is not a Python thread (timer
// and work queue callbacks), the main thread's state.
mp_state_thread_t *mp_thread_get_state(void) {
    if (k_is_in_isr()) {
        return &isr_thread_state;
    }
    mp_state_thread_t *ts = k_thread_custom_data_get();
    return ts != NULL ? ts : &mp_state_ctx.thread;
}

void mp_thread_set_state(mp_state_thread_t *state) {
    k_thread_custom_data_set(state);
}

int mp_thread_port_waker_index(void) {
    if (k_current_get() == main_tid) {
        return 0;
    }
    thread_slot_t *slot = thread_slot_current();
    return slot != NULL ? 1 + (int)(slot - thread_slots) : -1;
}

mp_uint_t mp_thread_get_id(void) {
    return (mp_uint_t)k_current_get();
}

void mp_thread_init(void) {
    // locals() and globals() in a handler: __main__'s, as the main thread's
    // (a call of a function sets its own module's globals, and restores).
    isr_thread_state.dict_locals = &MP_STATE_VM(dict_main);
    isr_thread_state.dict_globals = &MP_STATE_VM(dict_main);
    main_tid = k_current_get();
    k_thread_custom_data_set(&mp_state_ctx.thread);
    k_thread_name_set(main_tid, "mp_main");
}

void mp_thread_start(void) {
    thread_slot_t *slot = thread_slot_current();
    if (slot != NULL) {
        slot->ts = mp_thread_get_state();
        slot->status = SLOT_RUNNING;
    }
}

void mp_thread_finish(void) {
    thread_slot_t *slot = thread_slot_current();
    if (slot != NULL) {
        slot->status = SLOT_FINISHED;
        slot->ts = NULL;
        slot->arg = NULL;
    }
}

static void thread_zephyr_entry(void *entry, void *arg, void *unused) {
    (void)unused;
    ((void *(*)(void *))entry)(arg);
    // Returning ends the Zephyr thread; its slot is reused after a join.
}

// A free slot, or one whose thread has exited.
static int thread_slot_find(void) {
    for (int i = 0; i < CONFIG_MICROPY_THREAD_MAX; i++) {
        if (thread_slots[i].status == SLOT_FREE) {
            return i;
        }
    }
    for (int i = 0; i < CONFIG_MICROPY_THREAD_MAX; i++) {
        thread_slot_t *slot = &thread_slots[i];
        // A finished thread only has to return from its entry: wait a little.
        k_timeout_t wait = slot->status == SLOT_FINISHED ? K_MSEC(100) : K_NO_WAIT;
        if ((slot->status == SLOT_FINISHED || slot->status == SLOT_ORPHANED)
            && k_thread_join(&slot->thread, wait) == 0) {
            if (slot->status == SLOT_ORPHANED) {
                thread_orphans--;
            }
            slot->status = SLOT_FREE;
            return i;
        }
    }
    return -1;
}

mp_uint_t mp_thread_create(void *(*entry)(void *), void *arg, size_t *stack_size) {
    if (*stack_size > CONFIG_MICROPY_THREAD_STACK_SIZE) {
        mp_raise_ValueError(MP_ERROR_TEXT("stack size above CONFIG_MICROPY_THREAD_STACK_SIZE"));
    }
    int i = thread_slot_find();
    if (i < 0) {
        // All CONFIG_MICROPY_THREAD_MAX threads are running.
        mp_raise_OSError(MP_EAGAIN);
    }
    thread_slot_t *slot = &thread_slots[i];
    size_t size = K_THREAD_STACK_SIZEOF(thread_stacks[i]);
    k_tid_t tid = k_thread_create(&slot->thread, thread_stacks[i], size,
        thread_zephyr_entry, (void *)entry, arg, NULL,
        k_thread_priority_get(main_tid), 0, K_FOREVER);
    char name[16];
    snprintf(name, sizeof(name), "mp_thread_%d", i);
    k_thread_name_set(tid, name);
    slot->ts = NULL;
    slot->arg = arg;
    slot->status = SLOT_STARTING;
    port_waker_reset(1 + i);
    *stack_size = size - THREAD_STACK_RESERVE;
    k_thread_start(tid);
    return (mp_uint_t)tid;
}

// Traces a switched-out thread: its k_thread (Cortex-M keeps r4-r11 there)
// and its stack up to its state's stack_top.
static void thread_gc_scan(struct k_thread *th, mp_state_thread_t *ts) {
    gc_collect_root((void **)th, sizeof(*th) / sizeof(void *));
    uintptr_t top = (uintptr_t)ts->stack_top;
    uintptr_t start = th->stack_info.start;
    uintptr_t low;
    if (top > start && top <= start + th->stack_info.size) {
        // The whole Zephyr stack: it holds the live frames and the
        // exception frame of the last switch.
        low = start;
    } else {
        // native_sim: C runs on a host thread stack Zephyr does not
        // describe. Scan the thread's MicroPython budget below stack_top,
        // which holds its Python frames and the wait it is blocked in.
        low = top - (ts->stack_limit + MICROPY_STACK_CHECK_MARGIN);
    }
    low &= ~(uintptr_t)(sizeof(void *) - 1);
    gc_collect_root((void **)low, (top - low) / sizeof(void *));
}

void mp_thread_gc_others(void) {
    k_tid_t self = k_current_get();
    if (main_tid != NULL && main_tid != self) {
        thread_gc_scan(main_tid, &mp_state_ctx.thread);
    }
    for (size_t i = 0; i < CONFIG_MICROPY_THREAD_MAX; i++) {
        thread_slot_t *slot = &thread_slots[i];
        if (slot->status != SLOT_STARTING && slot->status != SLOT_RUNNING) {
            continue;
        }
        gc_collect_root(&slot->arg, 1);
        if (slot->ts != NULL && &slot->thread != self) {
            thread_gc_scan(&slot->thread, slot->ts);
        }
    }
}

// An orphan (see mp_thread_deinit) ends here, at the GIL, before it can
// touch the new heap. Its k_poll, if any, has returned and unregistered.
static void thread_exit_if_orphan(void) {
    thread_slot_t *slot = thread_slot_current();
    if (slot != NULL && slot->status == SLOT_ORPHANED) {
        port_waker_abandon(1 + (slot - thread_slots));
        k_sem_give(&MP_STATE_VM(gil_mutex).sem);
        k_thread_abort(k_current_get());
    }
}

void mp_thread_mutex_init(mp_thread_mutex_t *mutex) {
    k_sem_init(&mutex->sem, 1, 1);
}

int mp_thread_mutex_lock(mp_thread_mutex_t *mutex, int wait) {
    if (port_in_hard_irq()) {
        // A hard IRQ handler runs inside whatever held the GIL: it keeps
        // it, and it must not block on anything.
        if (mutex == &MP_STATE_VM(gil_mutex)) {
            return 1;
        }
        if (wait) {
            mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("can't block in a hard IRQ handler"));
        }
        return k_sem_take(&mutex->sem, K_NO_WAIT) == 0;
    }
    int ret = k_sem_take(&mutex->sem, wait ? K_FOREVER : K_NO_WAIT) == 0;
    if (thread_orphans > 0 && ret && mutex == &MP_STATE_VM(gil_mutex)) {
        thread_exit_if_orphan();
    }
    return ret;
}

// port_sched_runs() when the GIL was last released.
static uint32_t gil_runs_seen;

void mp_thread_mutex_unlock(mp_thread_mutex_t *mutex) {
    if (mutex == &MP_STATE_VM(gil_mutex) && port_in_hard_irq()) {
        return;
    }
    if (mutex == &MP_STATE_VM(gil_mutex)) {
        // Soft callbacks this thread ran may have changed what another
        // thread's wait checks (a Python stream's state): wake them.
        uint32_t runs = port_sched_runs();
        if (runs != gil_runs_seen) {
            gil_runs_seen = runs;
            port_wake(PORT_WAKE_IO);
        }
    }
    k_sem_give(&mutex->sem);
    if (mutex == &MP_STATE_VM(gil_mutex)) {
        // Equal priorities do not preempt: let a GIL waiter run now.
        k_yield();
    }
}

// Soft reset, main thread, GIL held, heap still intact. A thread blocked on
// the GIL or on a Python lock (a semaphore in the heap) is aborted: it is
// only on that wait queue. Any other thread may be inside k_poll, whose
// event registrations live on its stack until k_poll returns, so aborting
// it could leave them linked into a signal: it is orphaned instead, woken,
// and ends itself at its next GIL take (thread_exit_if_orphan). Its slot is
// reused once it has exited; one waiting forever (poll_ms(-1) on a poller
// nothing raises) keeps its slot.
void mp_thread_deinit(void) {
    uintptr_t heap_start = (uintptr_t)MP_STATE_MEM(area).gc_alloc_table_start;
    uintptr_t heap_end = (uintptr_t)MP_STATE_MEM(area).gc_pool_end;
    for (size_t i = 0; i < CONFIG_MICROPY_THREAD_MAX; i++) {
        thread_slot_t *slot = &thread_slots[i];
        if (slot->status == SLOT_FREE || slot->status == SLOT_ORPHANED) {
            continue;
        }
        if (slot->status == SLOT_FINISHED) {
            k_thread_join(&slot->thread, K_MSEC(100));
            slot->status = SLOT_FREE;
            continue;
        }
        unsigned int key = irq_lock();
        uintptr_t waitq = (uintptr_t)slot->thread.base.pended_on;
        bool abort = waitq == (uintptr_t)&MP_STATE_VM(gil_mutex).sem.wait_q
            || (waitq >= heap_start && waitq < heap_end);
        irq_unlock(key);
        slot->ts = NULL;
        slot->arg = NULL;
        if (abort) {
            k_thread_abort(&slot->thread);
            port_waker_abandon(1 + i);
            slot->status = SLOT_FREE;
        } else {
            slot->status = SLOT_ORPHANED;
            thread_orphans++;
        }
    }
    if (thread_orphans > 0) {
        port_wake(PORT_WAKE_ALL);
    }
}

#endif // MICROPY_PY_THREAD
