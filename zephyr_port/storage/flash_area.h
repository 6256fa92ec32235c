// zephyr.FlashArea (flash_area.c).
#ifndef UEVENT_PORT_FLASH_AREA_H
#define UEVENT_PORT_FLASH_AREA_H

#include "py/obj.h"

extern const mp_obj_type_t zephyr_flash_area_type;

#endif // UEVENT_PORT_FLASH_AREA_H
