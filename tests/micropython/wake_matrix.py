# The wake matrix: every way an event arrives x every way Python waits x
# where the waiter runs, each cell within a latency bound, nothing lost or
# delivered twice. The machinery is frozen into the test firmware
# (tests/firmware/repl/wake_matrix.py); docs/reliability.md has the table.
# timeout: 600
import wake_matrix

wake_matrix.run()
