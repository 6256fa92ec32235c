/*
 * Boot vectors for an image linked after the start of flash
 * (CONFIG_UEVENT_BOOT_VECTORS, docs/filesystem.md): the CPU reads its
 * initial stack pointer and reset handler at the start of flash, while
 * Zephyr's vector table starts the code partition. These words point at
 * Zephyr's own stack and handlers; Zephyr then moves VTOR to its table
 * (prep_c.c). NMI and hard fault are here too, for a fault before that.
 */
#include <zephyr/toolchain.h>

    .section .uevent_boot_vectors, "a"
    .word z_main_stack + CONFIG_MAIN_STACK_SIZE
    .word z_arm_reset
    .word z_arm_nmi
    .word z_arm_hard_fault
