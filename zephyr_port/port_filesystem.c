// The filesystem at /flash: littlefs (VfsLfs2) on the devicetree's
// storage_partition, mounted at boot and after each soft reset
// (CONFIG_MICROPY_VFS_LFS2).
//
// MicroPython's VfsLfs2 (extmod/vfs_lfs.c, unchanged) is compiled in this
// file rather than from extmod's list (port_sources.cmake), so that the
// port can see its objects and put a check before each of its littlefs
// calls: no filesystem call from a hard IRQ handler, and no umount while
// files are open (docs/filesystem.md).
#include <zephyr/storage/flash_map.h>

#include "py/gc.h"
#include "py/mperrno.h"
#include "py/runtime.h"
#include "extmod/vfs.h"
#include "extmod/vfs_lfs.h"
#include "lib/littlefs/lfs2.h"
#include "port_filesystem.h"
#include "port_irq.h"

void port_filesystem_check_irq(void) {
    if (port_in_hard_irq()) {
        mp_raise_msg(&mp_type_RuntimeError,
            MP_ERROR_TEXT("can't use the filesystem or flash in a hard IRQ handler (use a soft IRQ)"));
    }
}

// A hard IRQ handler may run while the main thread is inside littlefs: one
// set of caches and one allocator, on the ISR's small stack. Every littlefs
// call VfsLfs2 makes comes here first and raises RuntimeError there,
// before littlefs has done anything (the defines below reroute its calls).
static int port_lfs2_format(lfs2_t *lfs, const struct lfs2_config *cfg) {
    port_filesystem_check_irq();
    return lfs2_format(lfs, cfg);
}
static int port_lfs2_mount(lfs2_t *lfs, const struct lfs2_config *cfg) {
    port_filesystem_check_irq();
    return lfs2_mount(lfs, cfg);
}
static int port_lfs2_unmount(lfs2_t *lfs) {
    port_filesystem_check_irq();
    return lfs2_unmount(lfs);
}
static int port_lfs2_remove(lfs2_t *lfs, const char *path) {
    port_filesystem_check_irq();
    return lfs2_remove(lfs, path);
}
static int port_lfs2_rename(lfs2_t *lfs, const char *old_path, const char *new_path) {
    port_filesystem_check_irq();
    return lfs2_rename(lfs, old_path, new_path);
}
static int port_lfs2_mkdir(lfs2_t *lfs, const char *path) {
    port_filesystem_check_irq();
    return lfs2_mkdir(lfs, path);
}
static int port_lfs2_stat(lfs2_t *lfs, const char *path, struct lfs2_info *info) {
    port_filesystem_check_irq();
    return lfs2_stat(lfs, path, info);
}
static lfs2_ssize_t port_lfs2_getattr(lfs2_t *lfs, const char *path, uint8_t type, void *buf, lfs2_size_t size) {
    port_filesystem_check_irq();
    return lfs2_getattr(lfs, path, type, buf, size);
}
static int port_lfs2_fs_traverse(lfs2_t *lfs, int (*cb)(void *, lfs2_block_t), void *data) {
    port_filesystem_check_irq();
    return lfs2_fs_traverse(lfs, cb, data);
}
static int port_lfs2_file_opencfg(lfs2_t *lfs, lfs2_file_t *file, const char *path, int flags,
    const struct lfs2_file_config *cfg) {
    port_filesystem_check_irq();
    return lfs2_file_opencfg(lfs, file, path, flags, cfg);
}
static int port_lfs2_file_close(lfs2_t *lfs, lfs2_file_t *file) {
    port_filesystem_check_irq();
    return lfs2_file_close(lfs, file);
}
static int port_lfs2_file_sync(lfs2_t *lfs, lfs2_file_t *file) {
    port_filesystem_check_irq();
    return lfs2_file_sync(lfs, file);
}
static lfs2_ssize_t port_lfs2_file_read(lfs2_t *lfs, lfs2_file_t *file, void *buf, lfs2_size_t size) {
    port_filesystem_check_irq();
    return lfs2_file_read(lfs, file, buf, size);
}
static lfs2_ssize_t port_lfs2_file_write(lfs2_t *lfs, lfs2_file_t *file, const void *buf, lfs2_size_t size) {
    port_filesystem_check_irq();
    return lfs2_file_write(lfs, file, buf, size);
}
static lfs2_soff_t port_lfs2_file_seek(lfs2_t *lfs, lfs2_file_t *file, lfs2_soff_t off, int whence) {
    port_filesystem_check_irq();
    return lfs2_file_seek(lfs, file, off, whence);
}
static lfs2_soff_t port_lfs2_file_tell(lfs2_t *lfs, lfs2_file_t *file) {
    port_filesystem_check_irq();
    return lfs2_file_tell(lfs, file);
}
static int port_lfs2_dir_open(lfs2_t *lfs, lfs2_dir_t *dir, const char *path) {
    port_filesystem_check_irq();
    return lfs2_dir_open(lfs, dir, path);
}
static int port_lfs2_dir_close(lfs2_t *lfs, lfs2_dir_t *dir) {
    port_filesystem_check_irq();
    return lfs2_dir_close(lfs, dir);
}
static int port_lfs2_dir_read(lfs2_t *lfs, lfs2_dir_t *dir, struct lfs2_info *info) {
    port_filesystem_check_irq();
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
    if (!mp_obj_is_type(obj, &mp_type_vfs_lfs2)) {
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
    port_filesystem_check_irq();
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

// littlefs's "corrupted": no valid superblock, as on a blank partition.
#define LFS2_NO_FILESYSTEM (84)

extern const mp_obj_type_t zephyr_flash_area_type;

// fun(bdev, readsize=N, progsize=N): VfsLfs2 or VfsLfs2.mkfs with the
// board's sizes (CONFIG_MICROPY_VFS_LFS2_IO_SIZE).
static mp_obj_t port_filesystem_call(mp_obj_t fun, mp_obj_t bdev) {
    mp_obj_t size = MP_OBJ_NEW_SMALL_INT(CONFIG_MICROPY_VFS_LFS2_IO_SIZE);
    mp_obj_t args[5] = { bdev, MP_OBJ_NEW_QSTR(MP_QSTR_readsize), size, MP_OBJ_NEW_QSTR(MP_QSTR_progsize), size };
    return mp_call_function_n_kw(fun, 1, 2, args);
}

// VfsLfs2 on bdev. A partition with no littlefs on it (first boot) is
// formatted; any other error (a flash fault) is raised, never formatted.
static mp_obj_t port_filesystem_open(mp_obj_t bdev) {
    mp_obj_t lfs2 = MP_OBJ_FROM_PTR(&mp_type_vfs_lfs2);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t vfs = port_filesystem_call(lfs2, bdev);
        nlr_pop();
        return vfs;
    }
    mp_obj_t exc = MP_OBJ_FROM_PTR(nlr.ret_val);
    if (!mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(&mp_type_OSError))
        || mp_obj_get_int(mp_load_attr(exc, MP_QSTR_errno)) != LFS2_NO_FILESYSTEM) {
        nlr_jump(nlr.ret_val);
    }
    mp_printf(&mp_plat_print, "filesystem: no littlefs on the storage partition: formatting it\n");
    port_filesystem_call(mp_load_attr(lfs2, MP_QSTR_mkfs), bdev);
    return port_filesystem_call(lfs2, bdev);
}

bool port_filesystem_mount(void) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t id = MP_OBJ_NEW_SMALL_INT(FIXED_PARTITION_ID(storage_partition));
        mp_obj_t bdev = mp_call_function_1(MP_OBJ_FROM_PTR(&zephyr_flash_area_type), id);
        mp_obj_t flash = MP_OBJ_NEW_QSTR(MP_QSTR__slash_flash);
        mp_obj_t args[2] = { port_filesystem_open(bdev), flash };
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
