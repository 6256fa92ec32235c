// qstrs specific to this port (most are found by the qstr scan)

// The filesystem (port_filesystem.c): mount point and sys.path entries.
#if MICROPY_VFS
Q(/flash)
Q(/flash/lib)
#endif
