"""Host tests of the reference model, the generators, the checker and the
shrinker (the device runs are scripts/test's model stage)."""

from __future__ import annotations

import pytest
from uevent_model import asyncio_check, core_check, runner
from uevent_model.asyncio_gen import generate as generate_asyncio
from uevent_model.asyncio_gen import generate_portable, no_conflict
from uevent_model.core_gen import generate as generate_core
from uevent_model.core_model import Caps, CoreModel
from uevent_model.families import FAMILIES, plausible
from uevent_model.program import Program
from uevent_model.shrink import shrink
from uevent_model.writeout import expected_lines

CAPS = Caps(entries_max=64, pollers_max=8, threads=True)


def core_lines(ops: list[str]) -> list[str]:
    """What a correct device prints for a one-segment core program."""
    program = Program("core", 0, [ops])
    expected, _ = expected_lines(runner.Verdict(program, []), CAPS)
    return [line.split(" ", 1)[1] for line in expected[0]]


def test_core_delivery_is_one_shot_and_flags_ready_when_registered():
    out = core_lines(
        ["F f0", "S f0 m", "Q q0", "R q0 f0 4", "W q0 0 0", "W q0 0 0", "R q0 f0 4", "W q0 0 0"]
    )
    # A set Flag is ready when registered; delivery disarms; re-arming
    # finds no new raise (the flag is still set, but nothing was raised).
    assert out == ["ok", "ok", "ok", "4", "[f0:4]", "[]", "4", "[]"]


def test_core_pin_edges_follow_the_trigger():
    out = core_lines(
        ["P p0 3 1", "Q q0", "R q0 p0 4", "G p0 1", "W q0 0 0", "G p0 0", "W q0 0 1", "J p0 0"]
    )
    assert out[4] == "[p0:4]"  # rising
    assert out[6] == "[]"  # falling: not a trigger edge, and not armed anyway


def test_core_hard_irq_calls_are_refused_and_notify_is_consumed_by_a_return():
    out = core_lines(["F f0", "F f1", "Q q0", "R q0 f0 4", "H X q0", "S f0 m", "NR q0 q0"])
    assert out[4] == "!RuntimeError"
    assert out[6] == "[f0:4]"
    out = core_lines(["F f0", "Q q0", "R q0 f0 4", "S f0 m", "NR q0 q0", "V q0 S f1 i"])
    # The notify that landed during NR's round was taken by it: V's wait
    # is not cut short (f1 does not exist: the name is looked up first).
    assert out[5] == "!KeyError"


def test_core_checker_allows_a_memory_error_only_where_a_call_allocates():
    program = Program("core", 0, [["F f0", "Q q0", "A 0", "R q0 f0 4", "W q0 0 0"]])
    caps_line = "caps 64 8 1 e=0 p=0 a=0"
    good = [caps_line, "0 ok", "1 ok", "2 ok", "3 !MemoryError", "4 []"]
    assert core_check.check(program, [good]) is None
    registered = [caps_line, "0 ok", "1 ok", "2 ok", "3 4", "4 []"]
    assert core_check.check(program, [registered]) is None
    # A MemoryError that left the registration behind is caught.
    leaked = [caps_line, "0 ok", "1 ok", "2 ok", "3 !MemoryError", "4 [f0:4]"]
    assert core_check.check(program, [leaked]) is not None


def test_core_checker_catches_a_wrong_line_and_a_dirty_soft_reset():
    program = Program("core", 0, [["F f0", "I f0"]])
    caps_line = "caps 64 8 0 e=0 p=0 a=0"
    assert core_check.check(program, [[caps_line, "0 ok", "1 False"]]) is None
    mismatch = core_check.check(program, [[caps_line, "0 ok", "1 True"]])
    assert mismatch is not None and mismatch.index == 1
    stale = core_check.check(program, [["caps 64 8 0 e=1 p=1 a=0", "0 ok", "1 False"]])
    assert stale is not None and stale.op == "(soft reset)"


def test_core_stats_allow_a_zombie_poller_either_way():
    model = CoreModel(CAPS)
    for op in ["F f0", "Q q0", "R q0 f0 4", "Z q0"]:
        model = model.step(op.split())[0].state
    assert model.stats_allowed("e=1 p=1 a=1")  # the GC has not finalised it
    assert model.stats_allowed("e=0 p=0 a=0")  # it has
    assert not model.stats_allowed("e=2 p=1 a=1")


def asyncio_lines(ops: list[str], uevent: bool = True) -> list[str]:
    return asyncio_check.run_model(Program("asyncio", 0, [ops]), uevent)[0]


def test_asyncio_flag_wait_takes_a_set_flag_and_a_second_waiter_is_refused():
    out = asyncio_lines(["S f0 m", "W w0 fw:f0,fw:f0", "W w1 fw:f0", "S f0 m"])
    assert out[1] == "1 ok w0[fw:f0=ok]"  # took the set, now waits again
    assert out[2] == "2 ok w1[fw:f0=!RuntimeError]"
    assert out[3] == "3 ok w0[fw:f0=ok]"


def test_asyncio_stock_forgets_the_first_waiter_and_a_later_run_replaces():
    ops = ["W w0 fw:f0", "W w1 fw:f0", "S f0 m"]
    assert asyncio_lines(ops, uevent=False)[2] == "2 ok w1[fw:f0=ok]"
    ops = ["W w0 fw:f0", "R", "W w1 fw:f0", "S f0 m"]
    # uevent too: a waiter an earlier run left gives its place.
    assert asyncio_lines(ops)[3] == "3 ok w1[fw:f0=ok]"


def test_asyncio_timeouts_cancels_and_new_loops():
    out = asyncio_lines(["W w0 wf:fw:f0:s,ret:x", "J w0", "W w1 sl:l", "X w1", "J w1"])
    assert out[0] == "0 ok w0[wf:fw:f0:s=!TimeoutError,ret:x=x]"
    assert out[1] == "1 x"
    assert out[3] == "3 True w1[sl:l=cancel]"
    assert out[4] == "4 !CancelledError"
    out = asyncio_lines(["W w0 fw:f0", "NL", "S f0 m", "W w1 fw:f0,fw:f0", "S f0 m"])
    assert out[2] == "2 ok"  # w0 waits in the replaced loop: never again
    assert out[3] == "3 ok w1[fw:f0=ok]"  # the set was kept for it
    assert out[4] == "4 ok w1[fw:f0=ok]"


def test_asyncio_checker_allows_any_order_of_tasks_woken_together():
    program = Program("asyncio", 0, [["W w0 ew:e0,fw:f0", "W w1 ew:e0,fw:f0", "E e0 m"]])
    head = ["0 ok", "1 ok"]
    # Whichever runs first waits on f0; the other is refused.
    first = "2 ok w0[ew:e0=ok] w1[ew:e0=ok,fw:f0=!RuntimeError]"
    second = "2 ok w0[ew:e0=ok,fw:f0=!RuntimeError] w1[ew:e0=ok]"
    both = "2 ok w0[ew:e0=ok,fw:f0=!RuntimeError] w1[ew:e0=ok,fw:f0=!RuntimeError]"
    assert asyncio_check.check(program, [[*head, first]]) is None
    assert asyncio_check.check(program, [[*head, second]]) is None
    assert asyncio_check.check(program, [[*head, both]]) is not None


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_generators_are_deterministic_and_plausible(family):
    generate = FAMILIES[family].generate
    for seed in range(40):
        a = generate(CAPS, seed, frozenset())
        assert a.render() == generate(CAPS, seed, frozenset()).render()
        assert plausible(a, CAPS), a.render()


def test_portable_programs_mean_the_same_on_both_loops():
    for seed in range(30):
        program = generate_portable(CAPS, seed)
        assert no_conflict(program)
        assert not any(op.split()[0] in ("G", "O", "K", "BF", "AW", "AS") for op in program.ops())


def test_omit_leaves_operations_out():
    for seed in range(20):
        ops = generate_core(CAPS, seed, frozenset("H")).ops()
        assert not any(op.startswith("H ") for op in ops)
        ops = generate_asyncio(CAPS, seed, frozenset({"NL"})).ops()
        assert "NL" not in ops


class FakeTarget:
    """A device whose only fault: `I f0` prints True once f0 was cleared."""

    def __init__(self) -> None:
        self.runs = 0

    def run_segment(self, code: str, timeout: float) -> tuple[str, str]:
        self.runs += 1
        text = code.split("run(", 1)[1].rsplit(")", 1)[0].strip("'")
        model = CoreModel(CAPS)
        lines = ["caps 64 8 1 e=0 p=0 a=0"]
        cleared = False
        for i, op in enumerate(text.split(";")):
            fields = op.split()
            if fields[0] == "K":
                lines.append(f"{i} e=0 p=0 a=0")
                continue
            outcome = model.step(fields)[0]
            cleared = cleared or fields[0] == "C"
            out = "True" if fields[0] == "I" and cleared else outcome.output
            lines.append(f"{i} {out}")
            model = outcome.state
        return "\n".join(lines), ""

    def stop(self) -> None:
        pass


def test_shrink_finds_the_small_program():
    ops = ["F f1", "Q q0", "F f0", "R q0 f1 4", "S f1 m", "C f0 m", "W q0 0 0", "I f0", "L q0"]
    program = Program("core", 7, [ops])
    target = FakeTarget()
    verdict = runner.run_program(target, program)
    assert verdict.failure is not None
    small = shrink(target, CAPS, program, verdict)
    # (The fake fails even without f0: then C and I give KeyError on the
    # device's side as well, and two operations are enough.)
    assert small.program.ops() == ["C f0 m", "I f0"]
    assert target.runs < 60
