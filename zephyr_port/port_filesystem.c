// The filesystem at /flash: littlefs (VfsLfs2) on the devicetree's
// storage_partition, mounted at boot and after each soft reset
// (CONFIG_MICROPY_VFS_LFS2).
#include <zephyr/storage/flash_map.h>

#include "py/mperrno.h"
#include "py/runtime.h"
#include "extmod/vfs.h"
#include "extmod/vfs_lfs.h"
#include "port_filesystem.h"

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
