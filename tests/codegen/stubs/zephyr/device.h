/* Host stand-in for Zephyr's <zephyr/device.h>: device objects and names. */
#ifndef STUB_ZEPHYR_DEVICE_H
#define STUB_ZEPHYR_DEVICE_H

#include <stdbool.h>
#include <zephyr/devicetree.h>

struct device {
    const char *name;
};

#define DEVICE_NAME_GET(dev_id) _CONCAT(__device_, dev_id)
#define Z_DEVICE_DT_DEV_ID(node_id) _CONCAT(dts_ord_, DT_DEP_ORD(node_id))
#define DEVICE_DT_NAME_GET(node_id) DEVICE_NAME_GET(Z_DEVICE_DT_DEV_ID(node_id))
#define DEVICE_DT_GET(node_id) (&DEVICE_DT_NAME_GET(node_id))

/* Like Zephyr's device.h: every enabled node's device is declared (strongly). */
#define Z_MAYBE_DEVICE_DECLARE_INTERNAL(node_id) \
    extern const struct device DEVICE_DT_NAME_GET(node_id);
DT_FOREACH_STATUS_OKAY_NODE(Z_MAYBE_DEVICE_DECLARE_INTERNAL)

static inline bool device_is_ready(const struct device *dev) {
    return dev != NULL;
}

#endif
