// Text of help() at the REPL.
#include "py/builtin.h"

const char uevent_port_help_text[] =
    "MicroPython on Zephyr with uevent.\n"
    "\n"
    "  import machine, time, uevent, asyncio\n"
    "  machine.Pin('led0', machine.Pin.OUT).on()\n"
    "  p = uevent.poll(); p.register(flag := uevent.Flag())\n"
    "\n"
    "Control keys: CTRL-A raw REPL, CTRL-B friendly REPL, CTRL-C interrupt,\n"
    "CTRL-D soft reset, CTRL-E paste mode.\n"
    "\n"
    "help('modules') lists the built-in modules.\n";
