// The port's entry point, called from main() (app_main.c).
#ifndef UEVENT_PORT_MAIN_H
#define UEVENT_PORT_MAIN_H

// main() calls it once; it runs every soft reset itself.
// Context: boot or soft reset only.
int micropython_main(void);

#endif // UEVENT_PORT_MAIN_H
