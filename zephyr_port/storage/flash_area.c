/*
 * zephyr.FlashArea: a Zephyr flash partition (flash_map) as a MicroPython
 * block device, so vfs.VfsLfs2 can live on it (docs/filesystem.md).
 *
 * Blocks are the flash's erase pages. The block protocol is the extended
 * one littlefs uses: writeblocks(n, buf, offset) programs without erasing,
 * ioctl(6, n) erases block n; writeblocks(n, buf) erases then programs.
 * Flash errors come back as negative errno values, not exceptions: the
 * filesystem code that calls these must not be unwound half-way.
 */
#include <errno.h>

#include <zephyr/drivers/flash.h>
#include <zephyr/storage/flash_map.h>

#include "py/runtime.h"
#include "extmod/vfs.h"
#include "flash_area.h"
#include "flash_layout.h"
#include "port_hard_irq.h"

#if MICROPY_VFS

typedef struct _flash_area_obj_t {
    mp_obj_base_t base;
    const struct flash_area *area;
    uint8_t id;
    uint32_t block_size;
    uint32_t block_count;
    uint32_t write_unit;
} flash_area_obj_t;

void flash_area_check_irq(void) {
    if (port_in_hard_irq()) {
        mp_raise_msg(&mp_type_RuntimeError,
            MP_ERROR_TEXT("can't use the filesystem or flash in a hard IRQ handler (use a soft IRQ)"));
    }
}

// Partitions that open through zephyr.FlashArea: the storage partition,
// and those an app declares writable in the devicetree (zephyr,user's
// writable-partitions). Any other may hold a boot loader or the running
// image (NUCLEO-F401RE's id 0 is the boot vectors, the nRF52840 DK's ids 0
// and 1 its boot loader and image): erasing it would brick the board.
#define FLASH_AREA_USER DT_PATH(zephyr_user)
#define FLASH_AREA_DECLARED_ID(node, prop, idx) DT_FIXED_PARTITION_ID(DT_PHANDLE_BY_IDX(node, prop, idx)),
static const uint8_t flash_area_writable[] = {
    #if FIXED_PARTITION_EXISTS(storage_partition)
    FIXED_PARTITION_ID(storage_partition),
    #endif
    #if DT_NODE_HAS_PROP(FLASH_AREA_USER, writable_partitions)
    DT_FOREACH_PROP_ELEM(FLASH_AREA_USER, writable_partitions, FLASH_AREA_DECLARED_ID)
    #endif
};

#if DT_HAS_CHOSEN(zephyr_code_partition) && DT_NODE_HAS_PROP(FLASH_AREA_USER, writable_partitions)
#define FLASH_AREA_NOT_CODE(node, prop, idx) \
    BUILD_ASSERT(DT_DEP_ORD(DT_PHANDLE_BY_IDX(node, prop, idx)) != DT_DEP_ORD(DT_CHOSEN(zephyr_code_partition)), \
    "zephyr,user writable-partitions names the partition of the running image");
DT_FOREACH_PROP_ELEM(FLASH_AREA_USER, writable_partitions, FLASH_AREA_NOT_CODE)
#endif

static bool flash_area_is_writable(mp_int_t id) {
    for (size_t i = 0; i < sizeof(flash_area_writable); i++) {
        if (flash_area_writable[i] == id) {
            return true;
        }
    }
    return false;
}

static int flash_area_page(void *ctx, uint32_t offset, uint32_t *start, uint32_t *size) {
    struct flash_pages_info info;
    int ret = flash_get_page_info_by_offs(ctx, offset, &info);
    if (ret == 0) {
        *start = info.start_offset;
        *size = info.size;
    }
    return ret;
}

static mp_obj_t flash_area_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 1, 1, false);
    flash_area_check_irq();
    mp_int_t id = mp_obj_get_int(args[0]);
    const struct flash_area *area;
    int ret = id < 0 || id > 255 ? -ENOENT : flash_area_open((uint8_t)id, &area);
    if (ret == -ENOENT) {
        mp_raise_ValueError(MP_ERROR_TEXT("no such flash area"));
    } else if (ret != 0) {
        mp_raise_OSError(-ret);
    }
    if (!flash_area_is_writable(id)) {
        flash_area_close(area);
        mp_raise_msg_varg(&mp_type_ValueError,
            MP_ERROR_TEXT("flash area %d is not the storage partition nor declared writable "
                "(zephyr,user writable-partitions)"), (int)id);
    }
    // littlefs's blocks are erase pages of one size, and no erase may reach
    // past the partition: pages of mixed sizes or a partition that starts
    // or ends inside a page are refused.
    const struct device *dev = flash_area_get_device(area);
    uint32_t block_size = 0;
    ret = dev != NULL && device_is_ready(dev)
        ? port_flash_layout(flash_area_page, (void *)dev, area->fa_off, area->fa_size, &block_size)
        : -ENODEV;
    if (ret != PORT_FLASH_LAYOUT_OK) {
        flash_area_close(area);
        if (ret < 0) {
            mp_raise_OSError(-ret);
        }
        if (ret == PORT_FLASH_LAYOUT_MIXED) {
            mp_raise_msg_varg(&mp_type_ValueError,
                MP_ERROR_TEXT("flash area %d has erase pages of mixed sizes"), (int)id);
        }
        mp_raise_msg_varg(&mp_type_ValueError,
            MP_ERROR_TEXT("flash area %d does not start and end on erase page boundaries"), (int)id);
    }
    flash_area_obj_t *self = mp_obj_malloc(flash_area_obj_t, type);
    self->area = area;
    self->id = (uint8_t)id;
    self->block_size = block_size;
    self->block_count = area->fa_size / block_size;
    size_t unit = flash_get_write_block_size(dev);
    self->write_unit = unit > 0 ? unit : 1;
    return MP_OBJ_FROM_PTR(self);
}

static void flash_area_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    flash_area_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "FlashArea(%u) # %u blocks of %u bytes", self->id,
        (unsigned)self->block_count, (unsigned)self->block_size);
}

// Offset of (block, offset, len) in the area, or -EINVAL past its end.
static int flash_area_span(flash_area_obj_t *self, mp_int_t block, mp_int_t offset, size_t len, off_t *at) {
    if (block < 0 || offset < 0 || (uint32_t)block >= self->block_count) {
        return -EINVAL;
    }
    uint64_t start = (uint64_t)block * self->block_size + (uint64_t)offset;
    if (start + len > self->area->fa_size) {
        return -EINVAL;
    }
    *at = (off_t)start;
    return 0;
}

#ifdef CONFIG_UEVENT_TEST_HOOKS
// Test builds: a power cut at a chosen flash operation, for the boot's own
// format and mount (tests/storage/test_power_cut.py). FlashArea._cut(n)
// lets the next n programs and erases of any FlashArea through and drops
// every later one (it returns success and the flash keeps what it had),
// until _cut(-1); _cut(n, True) programs the first half of the first one
// it drops (a torn write). Both return the operations since the last call.
enum { CUT_NONE, CUT_DROP, CUT_TORN };
static int32_t flash_area_cut_left = -1;
static bool flash_area_cut_torn;
static uint32_t flash_area_cut_ops;

static int flash_area_cut(void) {
    flash_area_cut_ops++;
    if (flash_area_cut_left < 0) {
        return CUT_NONE;
    }
    if (flash_area_cut_left > 0) {
        flash_area_cut_left--;
        return CUT_NONE;
    }
    if (flash_area_cut_torn) {
        flash_area_cut_torn = false;
        return CUT_TORN;
    }
    return CUT_DROP;
}

static mp_obj_t flash_area_cut_set(size_t n_args, const mp_obj_t *args) {
    mp_int_t n = mp_obj_get_int(args[0]);
    flash_area_cut_left = n < 0 ? -1 : n;
    flash_area_cut_torn = n >= 0 && n_args > 1 && mp_obj_is_true(args[1]);
    mp_obj_t ops = mp_obj_new_int_from_uint(flash_area_cut_ops);
    flash_area_cut_ops = 0;
    return ops;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(flash_area_cut_set_fun_obj, 1, 2, flash_area_cut_set);
static MP_DEFINE_CONST_STATICMETHOD_OBJ(flash_area_cut_set_obj, MP_ROM_PTR(&flash_area_cut_set_fun_obj));
#else
enum { CUT_NONE, CUT_DROP, CUT_TORN };
#define flash_area_cut() CUT_NONE
#endif

// Erases whole blocks [at, at + len) of the area; anything else (a range
// off the block boundaries, or past the partition) is refused.
static int flash_area_erase_blocks(flash_area_obj_t *self, off_t at, size_t len) {
    if (at < 0 || at % self->block_size != 0 || len % self->block_size != 0
        || (uint64_t)at + len > self->area->fa_size) {
        return -EINVAL;
    }
    // (A torn erase is not modelled: the cut drops it whole.)
    if (flash_area_cut() != CUT_NONE) {
        return 0;
    }
    return flash_area_erase(self->area, at, len);
}

// The buffer and area offset of readblocks/writeblocks(block, buf[, offset]).
static int flash_area_rw_args(size_t n_args, const mp_obj_t *args, mp_uint_t access, mp_buffer_info_t *buf, off_t *at) {
    // Not from a hard IRQ handler: the flash may be busy under littlefs.
    flash_area_check_irq();
    mp_get_buffer_raise(args[2], buf, access);
    mp_int_t offset = n_args == 4 ? mp_obj_get_int(args[3]) : 0;
    return flash_area_span(MP_OBJ_TO_PTR(args[0]), mp_obj_get_int(args[1]), offset, buf->len, at);
}

static mp_obj_t flash_area_readblocks(size_t n_args, const mp_obj_t *args) {
    flash_area_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    mp_buffer_info_t buf;
    off_t at;
    int ret = flash_area_rw_args(n_args, args, MP_BUFFER_WRITE, &buf, &at);
    if (ret == 0) {
        ret = flash_area_read(self->area, at, buf.buf, buf.len);
    }
    return MP_OBJ_NEW_SMALL_INT(ret);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(flash_area_readblocks_obj, 3, 4, flash_area_readblocks);

static mp_obj_t flash_area_writeblocks(size_t n_args, const mp_obj_t *args) {
    flash_area_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    mp_buffer_info_t buf;
    off_t at;
    int ret = flash_area_rw_args(n_args, args, MP_BUFFER_READ, &buf, &at);
    // The whole write is checked before anything is erased: the flash
    // programs whole write units only.
    if (ret == 0 && (at % self->write_unit != 0 || buf.len % self->write_unit != 0)) {
        ret = -EINVAL;
    }
    if (ret == 0 && buf.len == 0) {
        return MP_OBJ_NEW_SMALL_INT(0);
    }
    if (ret == 0 && n_args == 3) {
        // Whole blocks, old protocol: erase them first.
        size_t erase = (buf.len + self->block_size - 1) / self->block_size * self->block_size;
        ret = flash_area_erase_blocks(self, at, erase);
    }
    if (ret == 0) {
        size_t len = buf.len;
        switch (flash_area_cut()) {
            case CUT_DROP:
                len = 0;
                break;
            case CUT_TORN:
                len = len / 2 / self->write_unit * self->write_unit;
                break;
            default:
                break;
        }
        ret = len > 0 ? flash_area_write(self->area, at, buf.buf, len) : 0;
    }
    return MP_OBJ_NEW_SMALL_INT(ret);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(flash_area_writeblocks_obj, 3, 4, flash_area_writeblocks);

static mp_obj_t flash_area_ioctl(mp_obj_t self_in, mp_obj_t op_in, mp_obj_t arg_in) {
    flash_area_check_irq();
    flash_area_obj_t *self = MP_OBJ_TO_PTR(self_in);
    switch (mp_obj_get_int(op_in)) {
        case MP_BLOCKDEV_IOCTL_INIT:
        case MP_BLOCKDEV_IOCTL_DEINIT:
        case MP_BLOCKDEV_IOCTL_SYNC:
            return MP_OBJ_NEW_SMALL_INT(0);
        case MP_BLOCKDEV_IOCTL_BLOCK_COUNT:
            return MP_OBJ_NEW_SMALL_INT(self->block_count);
        case MP_BLOCKDEV_IOCTL_BLOCK_SIZE:
            return MP_OBJ_NEW_SMALL_INT(self->block_size);
        case MP_BLOCKDEV_IOCTL_BLOCK_ERASE: {
            off_t at;
            int ret = flash_area_span(self, mp_obj_get_int(arg_in), 0, self->block_size, &at);
            if (ret == 0) {
                ret = flash_area_erase_blocks(self, at, self->block_size);
            }
            return MP_OBJ_NEW_SMALL_INT(ret);
        }
        default:
            return mp_const_none;
    }
}
static MP_DEFINE_CONST_FUN_OBJ_3(flash_area_ioctl_obj, flash_area_ioctl);

static const mp_rom_map_elem_t flash_area_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_readblocks), MP_ROM_PTR(&flash_area_readblocks_obj) },
    { MP_ROM_QSTR(MP_QSTR_writeblocks), MP_ROM_PTR(&flash_area_writeblocks_obj) },
    { MP_ROM_QSTR(MP_QSTR_ioctl), MP_ROM_PTR(&flash_area_ioctl_obj) },
    #if FIXED_PARTITION_EXISTS(storage_partition)
    { MP_ROM_QSTR(MP_QSTR_STORAGE), MP_ROM_INT(FIXED_PARTITION_ID(storage_partition)) },
    #endif
    #ifdef CONFIG_UEVENT_TEST_HOOKS
    { MP_ROM_QSTR(MP_QSTR__cut), MP_ROM_PTR(&flash_area_cut_set_obj) },
    #endif
};
static MP_DEFINE_CONST_DICT(flash_area_locals, flash_area_locals_table);

MP_DEFINE_CONST_OBJ_TYPE(
    zephyr_flash_area_type,
    MP_QSTR_FlashArea,
    MP_TYPE_FLAG_NONE,
    make_new, flash_area_make_new,
    print, flash_area_print,
    locals_dict, &flash_area_locals
    );

#endif // MICROPY_VFS
