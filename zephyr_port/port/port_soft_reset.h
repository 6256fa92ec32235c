// Boot-time and per-soft-reset init of the port's modules.
#ifndef UEVENT_PORT_SOFT_RESET_H
#define UEVENT_PORT_SOFT_RESET_H

// Once at boot, before the interpreter exists.
// Context: boot or soft reset only.
void port_boot_init(void);
// After mp_init(), and before gc_sweep_all() on soft reset: detach every
// interrupt that could call into Python objects about to be freed.
// Context: boot or soft reset only.
void port_soft_reset_init(void);
void port_soft_reset_deinit(void);

#endif // UEVENT_PORT_SOFT_RESET_H
