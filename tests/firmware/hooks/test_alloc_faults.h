// Allocation fault injection for test images (test_alloc_faults.c).
#ifndef UEVENT_TEST_ALLOC_FAULTS_H
#define UEVENT_TEST_ALLOC_FAULTS_H

// Soft reset: no allocation fault armed in the next session.
// Context: boot or soft reset only.
void uevent_test_alloc_faults_reset(void);

#endif // UEVENT_TEST_ALLOC_FAULTS_H
