// The filesystem at /flash (docs/filesystem.md).
#ifndef UEVENT_PORT_FILESYSTEM_H
#define UEVENT_PORT_FILESYSTEM_H

#include <stdbool.h>

// Mounts littlefs on the storage partition at /flash (formatting it only
// when it is blank), makes /flash the current folder and puts /flash and
// /flash/lib on sys.path. Prints why when it cannot, and returns false.
// Only in builds with CONFIG_MICROPY_VFS_LFS2.
// Context: boot or soft reset only.
bool port_filesystem_mount(void);

#endif // UEVENT_PORT_FILESYSTEM_H
