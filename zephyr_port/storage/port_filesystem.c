// The filesystem at /flash: littlefs (VfsLfs2) on the devicetree's
// storage_partition, mounted at boot and after each soft reset
// (CONFIG_MICROPY_VFS_LFS2).
//
// MicroPython's VfsLfs2 (extmod/vfs_lfs.c, unchanged) is compiled in this
// file rather than from extmod's list (port_sources.cmake), so that the
// port can see its objects and put a check before each of its littlefs
// calls: no filesystem call from a hard IRQ handler, and no umount while
// files are open (docs/filesystem.md).
#include <string.h>

#include <zephyr/drivers/flash.h>
#include <zephyr/storage/flash_map.h>

#include "py/gc.h"
#include "py/mperrno.h"
#include "py/runtime.h"
#include "flash_area.h"
#include "extmod/vfs.h"
#include "extmod/vfs_lfs.h"
#include "lib/littlefs/lfs2.h"
#include "port_filesystem.h"

// A hard IRQ handler may run while the main thread is inside littlefs: one
// set of caches and one allocator, on the ISR's small stack. Every littlefs
// call VfsLfs2 makes comes here first and raises RuntimeError there,
// before littlefs has done anything (the defines below reroute its calls).
//
// A VfsLfs2 that was unmounted keeps its caches and allocator state, and
// littlefs would go on using them: a file opened on it would program
// blocks of whatever is formatted on the partition next. Its calls fail
// with ENODEV instead: an unmount sets the root folder's pair to "none",
// which a mount sets to where the root is.
#define PORT_LFS2_NO_ROOT ((lfs2_block_t)-1)
#define PORT_LFS2_CHECK_MOUNTED(lfs) do { \
        flash_area_check_irq(); \
        if ((lfs)->root[0] == PORT_LFS2_NO_ROOT && (lfs)->root[1] == PORT_LFS2_NO_ROOT) { \
            return -MP_ENODEV; \
        } \
} while (0)

static int port_lfs2_format(lfs2_t *lfs, const struct lfs2_config *cfg) {
    flash_area_check_irq();
    return lfs2_format(lfs, cfg);
}
static int port_lfs2_mount(lfs2_t *lfs, const struct lfs2_config *cfg) {
    flash_area_check_irq();
    return lfs2_mount(lfs, cfg);
}
static int port_lfs2_unmount(lfs2_t *lfs) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    int ret = lfs2_unmount(lfs);
    lfs->root[0] = PORT_LFS2_NO_ROOT;
    lfs->root[1] = PORT_LFS2_NO_ROOT;
    return ret;
}
static int port_lfs2_remove(lfs2_t *lfs, const char *path) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_remove(lfs, path);
}
static int port_lfs2_rename(lfs2_t *lfs, const char *old_path, const char *new_path) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_rename(lfs, old_path, new_path);
}
static int port_lfs2_mkdir(lfs2_t *lfs, const char *path) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_mkdir(lfs, path);
}
static int port_lfs2_stat(lfs2_t *lfs, const char *path, struct lfs2_info *info) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_stat(lfs, path, info);
}
static lfs2_ssize_t port_lfs2_getattr(lfs2_t *lfs, const char *path, uint8_t type, void *buf, lfs2_size_t size) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_getattr(lfs, path, type, buf, size);
}
// statvfs counts the blocks in use by traversing them, and littlefs reports
// a folder's pair twice (in the chain of metadata pairs and from its
// parent's entry): each block goes to VfsLfs2's counter once here, or
// os.statvfs gives too few free blocks (below zero on a small partition).
typedef struct {
    int (*cb)(void *, lfs2_block_t);
    void *data;
    uint8_t *seen;
    lfs2_size_t blocks;
} port_lfs2_traverse_t;

static int port_lfs2_traverse_once(void *ctx, lfs2_block_t block) {
    port_lfs2_traverse_t *t = ctx;
    if (block < t->blocks) {
        uint8_t bit = 1 << (block % 8);
        if (t->seen[block / 8] & bit) {
            return 0;
        }
        t->seen[block / 8] |= bit;
    }
    return t->cb(t->data, block);
}

static int port_lfs2_fs_traverse(lfs2_t *lfs, int (*cb)(void *, lfs2_block_t), void *data) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    port_lfs2_traverse_t t = { cb, data, NULL, lfs->block_count };
    size_t bytes = (t.blocks + 7) / 8;
    t.seen = m_new0(uint8_t, bytes);
    int ret = lfs2_fs_traverse(lfs, port_lfs2_traverse_once, &t);
    m_del(uint8_t, t.seen, bytes);
    return ret;
}
static int port_lfs2_file_opencfg(lfs2_t *lfs, lfs2_file_t *file, const char *path, int flags,
    const struct lfs2_file_config *cfg) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_file_opencfg(lfs, file, path, flags, cfg);
}
static int port_lfs2_file_close(lfs2_t *lfs, lfs2_file_t *file) {
    if (file->cfg == NULL) {
        // Never opened: its open was refused by a raise (a hard IRQ) after
        // VfsLfs2 had made the object, whose finaliser closes it.
        return 0;
    }
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_file_close(lfs, file);
}
static int port_lfs2_file_sync(lfs2_t *lfs, lfs2_file_t *file) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_file_sync(lfs, file);
}
static lfs2_ssize_t port_lfs2_file_read(lfs2_t *lfs, lfs2_file_t *file, void *buf, lfs2_size_t size) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_file_read(lfs, file, buf, size);
}
static lfs2_ssize_t port_lfs2_file_write(lfs2_t *lfs, lfs2_file_t *file, const void *buf, lfs2_size_t size) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_file_write(lfs, file, buf, size);
}
static lfs2_soff_t port_lfs2_file_seek(lfs2_t *lfs, lfs2_file_t *file, lfs2_soff_t off, int whence) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_file_seek(lfs, file, off, whence);
}
static lfs2_soff_t port_lfs2_file_tell(lfs2_t *lfs, lfs2_file_t *file) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_file_tell(lfs, file);
}
static int port_lfs2_dir_open(lfs2_t *lfs, lfs2_dir_t *dir, const char *path) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_dir_open(lfs, dir, path);
}
static int port_lfs2_dir_close(lfs2_t *lfs, lfs2_dir_t *dir) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_dir_close(lfs, dir);
}
static int port_lfs2_dir_read(lfs2_t *lfs, lfs2_dir_t *dir, struct lfs2_info *info) {
    PORT_LFS2_CHECK_MOUNTED(lfs);
    return lfs2_dir_read(lfs, dir, info);
}

#define lfs2_format port_lfs2_format
#define lfs2_mount port_lfs2_mount
#define lfs2_unmount port_lfs2_unmount
#define lfs2_remove port_lfs2_remove
#define lfs2_rename port_lfs2_rename
#define lfs2_mkdir port_lfs2_mkdir
#define lfs2_stat port_lfs2_stat
#define lfs2_getattr port_lfs2_getattr
#define lfs2_fs_traverse port_lfs2_fs_traverse
#define lfs2_file_opencfg port_lfs2_file_opencfg
#define lfs2_file_close port_lfs2_file_close
#define lfs2_file_sync port_lfs2_file_sync
#define lfs2_file_read port_lfs2_file_read
#define lfs2_file_write port_lfs2_file_write
#define lfs2_file_seek port_lfs2_file_seek
#define lfs2_file_tell port_lfs2_file_tell
#define lfs2_dir_open port_lfs2_dir_open
#define lfs2_dir_close port_lfs2_dir_close
#define lfs2_dir_read port_lfs2_dir_read

#include "extmod/vfs_lfs.c"

#undef lfs2_format
#undef lfs2_mount
#undef lfs2_unmount
#undef lfs2_remove
#undef lfs2_rename
#undef lfs2_mkdir
#undef lfs2_stat
#undef lfs2_getattr
#undef lfs2_fs_traverse
#undef lfs2_file_opencfg
#undef lfs2_file_close
#undef lfs2_file_sync
#undef lfs2_file_read
#undef lfs2_file_write
#undef lfs2_file_seek
#undef lfs2_file_tell
#undef lfs2_dir_open
#undef lfs2_dir_close
#undef lfs2_dir_read

// Files open on a VfsLfs2 (littlefs's list of open files and folders).
static size_t port_vfs_open_files(mp_obj_t obj) {
    // A subclass of VfsLfs2 made in Python is one too.
    obj = mp_obj_cast_to_native_base(obj, MP_OBJ_FROM_PTR(&mp_type_vfs_lfs2));
    if (obj == MP_OBJ_NULL) {
        return 0;
    }
    mp_obj_vfs_lfs2_t *vfs = MP_OBJ_TO_PTR(obj);
    size_t n = 0;
    for (struct lfs2_mlist *m = vfs->lfs.mlist; m != NULL; m = m->next) {
        n += m->type == LFS2_TYPE_REG;
    }
    return n;
}

// os.umount and vfs.umount (the linker points both here: --wrap in
// port_sources.cmake). A file left open on an unmounted littlefs would go
// on programming blocks that a filesystem formatted after it uses, so
// umount refuses with EBUSY while one is. It first collects garbage: the
// finaliser of a file nothing refers to closes it, while its filesystem is
// still mounted. Then MicroPython's own umount.
static mp_obj_t port_vfs_umount(mp_obj_t mnt_in) {
    flash_area_check_irq();
    size_t len = 0;
    const char *path = mp_obj_is_str(mnt_in) ? mp_obj_str_get_data(mnt_in, &len) : NULL;
    for (mp_vfs_mount_t *vfs = MP_STATE_VM(vfs_mount_table); vfs != NULL; vfs = vfs->next) {
        if ((path != NULL && len == vfs->len && memcmp(path, vfs->str, len) == 0) || vfs->obj == mnt_in) {
            if (port_vfs_open_files(vfs->obj) > 0) {
                gc_collect();
            }
            size_t open = port_vfs_open_files(vfs->obj);
            if (open > 0) {
                mp_obj_t args[2] = {
                    MP_OBJ_NEW_SMALL_INT(MP_EBUSY),
                    mp_obj_new_str_from_cstr(open == 1
                        ? "a file is open on it: close it first"
                        : "files are open on it: close them first"),
                };
                nlr_raise(mp_obj_new_exception_args(&mp_type_OSError, 2, args));
            }
            break;
        }
    }
    return mp_vfs_umount(mnt_in);
}
MP_DEFINE_CONST_FUN_OBJ_1(__wrap_mp_vfs_umount_obj, port_vfs_umount);


// fun(bdev, readsize=N, progsize=N): VfsLfs2 or VfsLfs2.mkfs with the
// board's sizes (CONFIG_MICROPY_VFS_LFS2_IO_SIZE).
static mp_obj_t port_filesystem_call(mp_obj_t fun, mp_obj_t bdev) {
    mp_obj_t size = MP_OBJ_NEW_SMALL_INT(CONFIG_MICROPY_VFS_LFS2_IO_SIZE);
    mp_obj_t args[5] = { bdev, MP_OBJ_NEW_QSTR(MP_QSTR_readsize), size, MP_OBJ_NEW_QSTR(MP_QSTR_progsize), size };
    return mp_call_function_n_kw(fun, 1, 2, args);
}

// bdev.readblocks(block, buf, offset) or bdev.writeblocks(block, buf,
// offset): the block device's own result (0, or a negative errno).
static mp_int_t port_bdev_rw(mp_obj_t bdev, qstr method, mp_int_t block, mp_obj_t buf, mp_int_t offset) {
    mp_obj_t call[5];
    mp_load_method(bdev, method, call);
    call[2] = MP_OBJ_NEW_SMALL_INT(block);
    call[3] = buf;
    call[4] = MP_OBJ_NEW_SMALL_INT(offset);
    return mp_obj_get_int(mp_call_method_n_kw(3, 0, call));
}

static mp_int_t port_bdev_ioctl(mp_obj_t bdev, mp_int_t op, mp_int_t arg) {
    mp_obj_t call[4];
    mp_load_method(bdev, MP_QSTR_ioctl, call);
    call[2] = MP_OBJ_NEW_SMALL_INT(op);
    call[3] = MP_OBJ_NEW_SMALL_INT(arg);
    mp_obj_t ret = mp_call_method_n_kw(2, 0, call);
    return ret == mp_const_none ? 0 : mp_obj_get_int(ret);
}

// The storage partition as the boot sees it.
typedef struct {
    mp_obj_t bdev;
    mp_int_t blocks;
    mp_int_t block_size;
    uint8_t erased;
    // The marker of a format under way: in the last block, which littlefs
    // leaves free after a format (0: no room for one on this partition).
    mp_int_t marker_block;
    mp_obj_t marker;
} port_storage_t;

// "A format of /flash is under way", padded to the flash's write unit.
static const char port_format_marker[32] = "uevent: /flash format under way";

static void port_storage_init(port_storage_t *st, mp_obj_t bdev) {
    st->bdev = bdev;
    st->blocks = port_bdev_ioctl(bdev, MP_BLOCKDEV_IOCTL_BLOCK_COUNT, 0);
    st->block_size = port_bdev_ioctl(bdev, MP_BLOCKDEV_IOCTL_BLOCK_SIZE, 0);
    st->erased = 0xff;
    size_t unit = 1;
    const struct flash_area *fa;
    if (flash_area_open(FIXED_PARTITION_ID(storage_partition), &fa) == 0) {
        const struct device *dev = flash_area_get_device(fa);
        st->erased = flash_get_parameters(dev)->erase_value;
        unit = flash_get_write_block_size(dev);
        flash_area_close(fa);
    }
    size_t len = (sizeof(port_format_marker) + unit - 1) / unit * unit;
    st->marker_block = 0;
    st->marker = mp_const_none;
    if (st->blocks >= 3 && len <= (size_t)st->block_size) {
        st->marker_block = st->blocks - 1;
        byte *text = m_new(byte, len);
        memset(text, '.', len);
        memcpy(text, port_format_marker, sizeof(port_format_marker));
        st->marker = mp_obj_new_bytearray_by_ref(len, text);
    }
}

// True when every byte of blocks [0, n) reads as erased.
static bool port_storage_erased(port_storage_t *st, mp_int_t n) {
    byte chunk[64];
    mp_obj_t buf = mp_obj_new_bytearray_by_ref(sizeof(chunk), chunk);
    for (mp_int_t block = 0; block < n && block < st->blocks; block++) {
        for (mp_int_t off = 0; off < st->block_size; off += sizeof(chunk)) {
            if (port_bdev_rw(st->bdev, MP_QSTR_readblocks, block, buf, off) != 0) {
                return false;
            }
            for (size_t i = 0; i < sizeof(chunk); i++) {
                if (chunk[i] != st->erased) {
                    return false;
                }
            }
        }
    }
    return true;
}

static bool port_storage_has_marker(port_storage_t *st) {
    if (st->marker_block == 0) {
        return false;
    }
    mp_buffer_info_t want;
    mp_get_buffer_raise(st->marker, &want, MP_BUFFER_READ);
    byte *have = m_new(byte, want.len);
    mp_obj_t got = mp_obj_new_bytearray_by_ref(want.len, have);
    return port_bdev_rw(st->bdev, MP_QSTR_readblocks, st->marker_block, got, 0) == 0
           && memcmp(have, want.buf, want.len) == 0;
}

// Erases the marker's block. One that survives (a worn block) is said on
// the console, and /flash is used all the same: a marker left behind could
// one day let a damaged filesystem be formatted, which the user should
// know, but it is no reason to keep the files out of reach.
static void port_storage_clear_marker(port_storage_t *st) {
    port_bdev_ioctl(st->bdev, MP_BLOCKDEV_IOCTL_BLOCK_ERASE, st->marker_block);
    if (port_storage_has_marker(st)) {
        mp_printf(&mp_plat_print,
            "filesystem: warning: the format marker in block %d of the storage partition cannot be erased:\n"
            "filesystem: if /flash is ever damaged it will be formatted; keep a copy of its files\n",
            (int)st->marker_block);
    }
}

// Formats the partition: the marker first, so that a format cut short
// (power lost) is known at the next boot for what it is and done again
// (a marker already there stays: erasing it first would lose it to a
// second cut), then mkfs, a mount, and the marker erased.
static mp_obj_t port_storage_format(port_storage_t *st) {
    mp_obj_t lfs2 = MP_OBJ_FROM_PTR(&mp_type_vfs_lfs2);
    if (st->marker_block != 0 && !port_storage_has_marker(st)) {
        port_bdev_ioctl(st->bdev, MP_BLOCKDEV_IOCTL_BLOCK_ERASE, st->marker_block);
        if (port_bdev_rw(st->bdev, MP_QSTR_writeblocks, st->marker_block, st->marker, 0) != 0) {
            mp_raise_OSError(MP_EIO);
        }
    }
    port_filesystem_call(mp_load_attr(lfs2, MP_QSTR_mkfs), st->bdev);
    mp_obj_t vfs = port_filesystem_call(lfs2, st->bdev);
    if (st->marker_block != 0) {
        port_storage_clear_marker(st);
    }
    return vfs;
}

// VfsLfs2 on the storage partition, or MP_OBJ_NULL (the console says why).
// Only a blank partition (littlefs's superblock pair, its first two
// blocks, reads as erased: the first boot) or one whose format was cut
// short is formatted. Anything else that littlefs cannot mount, a damaged
// folder for one, is left as it is: its files may still be readable.
static mp_obj_t port_filesystem_open(mp_obj_t bdev) {
    port_storage_t st;
    port_storage_init(&st, bdev);
    mp_obj_t lfs2 = MP_OBJ_FROM_PTR(&mp_type_vfs_lfs2);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t vfs = port_filesystem_call(lfs2, bdev);
        nlr_pop();
        if (port_storage_has_marker(&st)) {
            // Formatted and mounted once, but the marker survived.
            port_storage_clear_marker(&st);
        }
        return vfs;
    }
    mp_obj_t exc = MP_OBJ_FROM_PTR(nlr.ret_val);
    if (!mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(&mp_type_OSError))) {
        nlr_jump(nlr.ret_val);
    }
    if (port_storage_erased(&st, 2)) {
        mp_printf(&mp_plat_print, "filesystem: the storage partition is blank: formatting it\n");
        return port_storage_format(&st);
    }
    if (port_storage_has_marker(&st)) {
        mp_printf(&mp_plat_print, "filesystem: a format of the storage partition was cut short: formatting it again\n");
        return port_storage_format(&st);
    }
    mp_int_t err = mp_obj_get_int(mp_load_attr(exc, MP_QSTR_errno));
    mp_printf(&mp_plat_print,
        "filesystem: /flash is not mounted: littlefs cannot mount the storage partition (OSError %d%s),\n"
        "filesystem: and it is not blank, so nothing was erased: its files may still be readable.\n"
        "filesystem: to save it, then start again with an empty /flash (erasing every file):\n"
        "filesystem: docs/filesystem.md, \"When /flash does not mount\". Starting again is\n"
        "    import vfs, zephyr; vfs.VfsLfs2.mkfs(zephyr.FlashArea(zephyr.FlashArea.STORAGE), readsize=%d, progsize=%d)\n"
        "filesystem: then a soft reset (Ctrl-D).\n",
        (int)err, err == -LFS2_ERR_CORRUPT ? ": a damaged block" : err == -LFS2_ERR_INVAL ? ": not this board's littlefs" : "",
        CONFIG_MICROPY_VFS_LFS2_IO_SIZE, CONFIG_MICROPY_VFS_LFS2_IO_SIZE);
    return MP_OBJ_NULL;
}

bool port_filesystem_mount(void) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t id = MP_OBJ_NEW_SMALL_INT(FIXED_PARTITION_ID(storage_partition));
        mp_obj_t bdev = mp_call_function_1(MP_OBJ_FROM_PTR(&zephyr_flash_area_type), id);
        mp_obj_t vfs = port_filesystem_open(bdev);
        if (vfs == MP_OBJ_NULL) {
            nlr_pop();
            return false;
        }
        mp_obj_t flash = MP_OBJ_NEW_QSTR(MP_QSTR__slash_flash);
        mp_obj_t args[2] = { vfs, flash };
        mp_vfs_mount(2, args, (mp_map_t *)&mp_const_empty_map);
        mp_vfs_chdir(flash);
        mp_obj_list_append(mp_sys_path, flash);
        mp_obj_list_append(mp_sys_path, MP_OBJ_NEW_QSTR(MP_QSTR__slash_flash_slash_lib));
        nlr_pop();
        return true;
    }
    mp_printf(&mp_plat_print, "filesystem: /flash is not mounted: ");
    mp_obj_print_exception(&mp_plat_print, MP_OBJ_FROM_PTR(nlr.ret_val));
    return false;
}
