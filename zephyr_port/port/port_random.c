// os.urandom: bytes from the devicetree's zephyr,entropy device
// (CONFIG_MICROPY_OS_URANDOM).
#include <zephyr/drivers/entropy.h>

#include "py/mperrno.h"
#include "py/runtime.h"
#include "mphalport.h"

void mp_hal_get_random(size_t n, void *buf) {
    const struct device *dev = DEVICE_DT_GET(DT_CHOSEN(zephyr_entropy));
    uint8_t *out = buf;
    if (!device_is_ready(dev)) {
        mp_raise_msg(&mp_type_OSError, MP_ERROR_TEXT("entropy device not ready"));
    }
    // The driver API takes at most 65535 bytes per call.
    while (n > 0) {
        uint16_t chunk = n > UINT16_MAX ? UINT16_MAX : (uint16_t)n;
        int err = entropy_get_entropy(dev, out, chunk);
        if (err != 0) {
            mp_raise_OSError(err < 0 ? -err : MP_EIO);
        }
        out += chunk;
        n -= chunk;
    }
}
