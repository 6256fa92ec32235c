// Frames the LAN9220 driver had no packet for, read into a spare and
// dropped (lan9220_rx_discard.c).
#ifndef UEVENT_LAN9220_RX_DISCARD_H
#define UEVENT_LAN9220_RX_DISCARD_H

#include <stdint.h>

// How many frames the spare took since boot.
// Context: any.
uint32_t lan9220_rx_frames_dropped(void);

#endif // UEVENT_LAN9220_RX_DISCARD_H
