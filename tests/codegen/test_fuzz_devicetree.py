"""Property-based tests: uevent-codegen under malformed devicetrees.

Hypothesis builds devicetree fragments around a fixed skeleton (an
interrupt controller, a GPIO controller that interrupts and one that does
not, a UART): buttons, pin and counter sources and nodes of unknown
compatibles, with properties missing, mistyped or out of range, names that
clash, are keywords or are not identifiers, pins used twice, and more
sources than --max-sources. The only acceptable outcomes of the command
line are exit 0 with the table on stdout and nothing on stderr, or exit 1
with exactly one line ``devicetree error: /<node path>: <what>`` on stderr
and nothing written. Any other exception is a traceback to the user and
fails the test.

Deterministic (derandomize) and bounded: about 150 examples, ~40 s.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import FIXTURES, OUR_BINDINGS  # noqa: E402
from uevent_codegen import cli  # noqa: E402

SKELETON = """/dts-v1/;

/ {
	#address-cells = <1>;
	#size-cells = <1>;

	intc: interrupt-controller@e000e100 {
		compatible = "vnd,ue-intc";
		reg = <0xe000e100 0xc00>;
		interrupt-controller;
		#interrupt-cells = <1>;
	};

	gpio0: gpio@40000000 {
		compatible = "vnd,ue-gpio";
		reg = <0x40000000 0x100>;
		interrupt-parent = <&intc>;
		interrupts = <5>;
		gpio-controller;
		#gpio-cells = <2>;
	};

	gpio1: gpio@40001000 {
		compatible = "vnd,ue-gpio";
		reg = <0x40001000 0x100>;
		gpio-controller;
		#gpio-cells = <2>;
	};

	uart0: uart@40002000 {
		compatible = "vnd,ue-uart";
		reg = <0x40002000 0x100>;
		interrupt-parent = <&intc>;
		interrupts = <6>;
	};
%s
};
"""

ERROR_LINE = re.compile(r"^devicetree error: (/[^:\s]*): \S.*$")

NAMES = ["sw0", "sw1", "door", "Push button", "switch", "class", "9lives", "", "led0", "uart0"]
NODE_NAMES = ["a", "b", "button_0", "src", "src", "uart@40002000"]


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "") + '"'


gpios_values = st.one_of(
    st.builds(lambda n: f"<&gpio0 {n} 0>", st.integers(0, 31)),  # valid
    st.none(),  # missing
    st.builds(lambda c, n: f"<&{c} {n} 0>", st.sampled_from(["gpio0", "gpio1"]), st.integers(0, 3)),
    st.just("<&gpio0 1 0 &gpio0 2 0>"),  # two pins
    st.just('"gpio0"'),  # mistyped: a string
    st.just("<1>"),  # mistyped: a number
    st.just("<&uart0 1 0>"),  # not a GPIO controller
)
label_values = st.one_of(
    st.builds(lambda i: f'"s{i}"', st.integers(0, 10**6)),  # valid, mostly unique
    st.none(),
    st.sampled_from(NAMES).map(_quoted),
    st.just("<7>"),
)
edges_values = st.one_of(
    st.none(),
    st.sampled_from(["rising", "falling", "both", "up", ""]).map(_quoted),
    st.just("<2>"),
)
debounce_values = st.one_of(
    st.none(), st.integers(0, 70000).map(lambda v: f"<{v}>"), st.just('"10"')
)


def _props(**props: str | None) -> str:
    return "".join(f"\t\t{k} = {v};\n" for k, v in props.items() if v is not None)


@st.composite
def source_node(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["pin", "counter", "uart-source", "unknown", "keys"]))
    # Mostly unique node names; sometimes one that clashes.
    name = draw(st.sampled_from(NODE_NAMES))
    if draw(st.integers(0, 5)):
        name = f"n{draw(st.integers(0, 10**6))}"
    label = draw(label_values)
    nodelabel = draw(st.one_of(st.none(), st.sampled_from(["sw0", "door", "x1", "switch"])))
    head = f"\t{nodelabel}: {name} {{\n" if nodelabel else f"\t{name} {{\n"
    if kind == "pin":
        body = _props(
            compatible='"uevent,pin-source"',
            gpios=draw(gpios_values),
            label=label,
            edges=draw(edges_values),
            **{"debounce-ms": draw(debounce_values)},
        )
    elif kind == "counter":
        body = _props(
            compatible='"uevent,counter-source"',
            counter=draw(st.sampled_from([None, "<&uart0>", "<&gpio0>", '"x"'])),
            label=label,
        )
    elif kind == "uart-source":
        body = _props(
            compatible='"uevent,uart-source"',
            uart=draw(st.sampled_from([None, "<&uart0>", "<&gpio0>", "<3>"])),
            label=label,
            **{"idle-us": draw(st.sampled_from([None, "<100>", '"fast"']))},
        )
    elif kind == "unknown":
        body = _props(
            compatible=draw(st.sampled_from(['"vnd,no-such-thing"', "<5>", '"gpio-keys"'])),
            gpios=draw(gpios_values),
            label=label,
        )
    else:
        children = draw(
            st.lists(st.tuples(st.sampled_from(NODE_NAMES), gpios_values, label_values), max_size=3)
        )
        body = _props(
            compatible='"gpio-keys"',
            **{"debounce-interval-ms": draw(st.sampled_from([None, "<30>", '"30"']))},
        )
        for child, gpios, child_label in children:
            body += (
                f"\t\t{child} {{\n"
                + _props(gpios=gpios, label=child_label).replace("\t\t", "\t\t\t")
                + "\t\t};\n"
            )
    return head + body + "\t};\n"


@st.composite
def devicetree(draw: st.DrawFn) -> tuple[str, int | None]:
    nodes = draw(st.lists(source_node(), min_size=1, max_size=4))
    max_sources = draw(st.one_of(st.none(), st.integers(0, 6)))
    return SKELETON % "\n".join(nodes), max_sources


@pytest.fixture(scope="module")
def cli_bindings(zephyr_base: Path) -> list[str]:
    args: list[str] = []
    for d in (zephyr_base / "dts" / "bindings", OUR_BINDINGS, FIXTURES / "bindings"):
        args += ["--bindings-dir", str(d)]
    return args


@settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=devicetree())
def test_malformed_devicetree(case, cli_bindings, tmp_path_factory, monkeypatch, zephyr_base):
    text, max_sources = case
    work = tmp_path_factory.mktemp("fuzz")
    dts = work / "board.dts"
    dts.write_text(text)
    out = work / "out"
    argv = ["--dts", str(dts), *cli_bindings, "--output-dir", str(out), "--list"]
    if max_sources is not None:
        argv += ["--max-sources", str(max_sources)]
    monkeypatch.setenv("ZEPHYR_BASE", str(zephyr_base))
    stdout, stderr = io.StringIO(), io.StringIO()
    # Any exception other than the reported CodegenError escapes main():
    # that is a traceback for the user, and fails here.
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        rc = cli.main(argv)
    event(f"exit {rc}")
    if rc == 0:
        assert stderr.getvalue() == "", text
        assert (out / "uevent_board_sources.c").is_file()
        return
    assert rc == 1, text
    lines = stderr.getvalue().splitlines()
    assert len(lines) == 1, (stderr.getvalue(), text)
    m = ERROR_LINE.match(lines[0])
    assert m, (lines[0], text)
    event("error: " + re.sub(r"'[^']*'|/\S*|\d+", "_", lines[0].split(": ", 2)[2])[:50])
    assert stdout.getvalue() == ""
    assert not out.exists() or list(out.iterdir()) == []  # nothing half-written
