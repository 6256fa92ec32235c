# The counter's rate in QEMU's virtual time: cycles per instruction of a
# known loop (2 instructions per iteration), least of several runs.
best = min(B.spin(SPIN_N) for _ in range(7))
result(
    "calibration",
    {
        "spin_n": SPIN_N,
        "instructions": 2 * SPIN_N,
        "cycles": best,
        "nominal_hz": B.cycles_per_sec(),
    },
)
