// zephyr.FlashArea (flash_area.c).
#ifndef UEVENT_PORT_FLASH_AREA_H
#define UEVENT_PORT_FLASH_AREA_H

#include "py/obj.h"

extern const mp_obj_type_t zephyr_flash_area_type;

// Raises RuntimeError in a hard IRQ handler: the filesystem and the flash
// block device refuse to run there.
// Context: Python code anywhere, a hard IRQ handler too; may raise (it is the check).
void flash_area_check_irq(void);

#endif // UEVENT_PORT_FLASH_AREA_H
