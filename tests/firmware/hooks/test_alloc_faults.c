/*
 * _uevent_test.fail_allocs(skip, count): heap allocation fault injection
 * for test builds (CONFIG_UEVENT_TEST_HOOKS).
 *
 * The test build links with --wrap=gc_alloc and --wrap=gc_realloc, so
 * every allocation MicroPython makes through m_malloc/m_realloc comes here.
 * After `skip` more allocations succeed, the next `count` fail (NULL, which
 * MicroPython turns into MemoryError). A test runs an operation with the
 * k-th allocation failing, for k = 0, 1, ... until the operation passes,
 * and checks that each failure left no state behind.
 */
#include "py/gc.h"
#include "py/runtime.h"
#include "test_alloc_faults.h"

void *__real_gc_alloc(size_t n_bytes, unsigned int alloc_flags);
void *__real_gc_realloc(void *ptr, size_t n_bytes, bool allow_move);
void *__wrap_gc_alloc(size_t n_bytes, unsigned int alloc_flags);
void *__wrap_gc_realloc(void *ptr, size_t n_bytes, bool allow_move);

static struct {
    uint32_t skip;          // allocations still to let through
    uint32_t count;         // then this many fail
    uint32_t failed;        // failures made since fail_allocs()
} alloc_faults;

// True if this allocation is to fail. Allocations with the heap locked
// (hard IRQs) fail anyway and are not counted.
static bool alloc_fault_now(void) {
    if (alloc_faults.count == 0 || gc_is_locked()) {
        return false;
    }
    if (alloc_faults.skip > 0) {
        alloc_faults.skip--;
        return false;
    }
    alloc_faults.count--;
    alloc_faults.failed++;
    return true;
}

void *__wrap_gc_alloc(size_t n_bytes, unsigned int alloc_flags) {
    return alloc_fault_now() ? NULL : __real_gc_alloc(n_bytes, alloc_flags);
}

void *__wrap_gc_realloc(void *ptr, size_t n_bytes, bool allow_move) {
    // Shrinking never fails in MicroPython's GC: leave it alone.
    if (ptr != NULL && n_bytes > 0 && n_bytes > gc_nbytes(ptr) && alloc_fault_now()) {
        return NULL;
    }
    return __real_gc_realloc(ptr, n_bytes, allow_move);
}

// fail_allocs(skip, count=1) -> failures made by the previous setting
static mp_obj_t uevent_test_fail_allocs(size_t n_args, const mp_obj_t *args) {
    mp_int_t skip = mp_obj_get_int(args[0]);
    mp_int_t count = n_args > 1 ? mp_obj_get_int(args[1]) : 1;
    if (skip < 0 || count < 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("skip and count must be >= 0"));
    }
    uint32_t failed = alloc_faults.failed;
    alloc_faults.skip = skip;
    alloc_faults.count = count;
    alloc_faults.failed = 0;
    return mp_obj_new_int_from_uint(failed);
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(uevent_test_fail_allocs_obj, 1, 2, uevent_test_fail_allocs);

// Soft reset: no fault left armed for the next script.
void uevent_test_alloc_faults_reset(void) {
    alloc_faults.skip = 0;
    alloc_faults.count = 0;
    alloc_faults.failed = 0;
}
