// Zephyr's main(), in the `app` library so the linker pulls in the port
// (which lives in the `micropython` library).
#include "port_main.h"

int main(void) {
    return micropython_main();
}
