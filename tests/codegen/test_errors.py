"""Every malformed or unsupported node: exit code 1, one line on stderr that
names the node path, never a traceback, never a silently dropped source."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from conftest import FIXTURES
from uevent_codegen.discovery import build_board
from uevent_codegen.errors import DevicetreeError

ERRORS = FIXTURES / "errors"

CASES = [
    ("keys_without_gpios.dts", "/buttons/button_1", "'gpios' is marked as required"),
    ("duplicate_name.dts", "/second", "source name 'sw' is already used by /buttons/button_0"),
    ("alias_clash.dts", "/buttons/button_1", "'button1' is already used by /buttons/button_0"),
    ("no_interrupt.dts", "/uevent-sources/door", "GPIO controller /gpio@40001000 has no interrupt"),
    ("button_no_interrupt.dts", "/buttons/button_0", "/gpio@40001000 has no interrupt"),
    ("bad_name.dts", "/buttons/button_0", "'Push button 0' is not a valid C identifier"),
    ("keyword_name.dts", "/uevent-sources/pin", "'switch' is a C or Python keyword"),
    ("no_name.dts", "/uevent-sources/pin", "event source has no name"),
    ("bad_edges.dts", "/uevent-sources/door", "'up'"),
    ("same_pin.dts", "/uevent-sources/again", "pin 1 of /gpio@40000000 is already"),
    ("uart_not_a_uart.dts", "/uevent-sources/link", "is not a UART"),
    ("pin_name_clash.dts", "/leds/led_1", "pin name 'led1' is already the name of /leds/led_0"),
    ("two_pins_in_gpios.dts", "/uevent-sources/pair", "must name exactly one pin, it names 2"),
]  # fmt: skip


def assert_one_devicetree_error(result, node_path: str, fragment: str) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"devicetree error: {node_path}: "), lines[0]
    assert fragment in lines[0]


@pytest.mark.parametrize(("fixture", "node_path", "fragment"), CASES)
def test_error_from_dts(run_cli, dts_args, tmp_path, fixture, node_path, fragment):
    result = run_cli(*dts_args(f"errors/{fixture}"), "--output-dir", tmp_path, "--list")
    assert_one_devicetree_error(result, node_path, fragment)
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing half-written


@pytest.mark.parametrize(
    "fixture",
    ["duplicate_name.dts", "no_interrupt.dts", "bad_name.dts", "same_pin.dts"],
)
def test_error_from_edt_pickle(run_cli, gen_defines, tmp_path, fixture):
    """The build's path: Zephyr accepts the devicetree, uevent-codegen does not."""
    case = next(c for c in CASES if c[0] == fixture)
    pickle = gen_defines(ERRORS / fixture).edt_pickle
    result = run_cli("--edt-pickle", pickle, "--output-dir", tmp_path)
    assert_one_devicetree_error(result, case[1], case[2])


def test_more_sources_than_the_maximum(run_cli, gen_defines, tmp_path):
    pickle = gen_defines(FIXTURES / "board_all_kinds.dts").edt_pickle
    result = run_cli("--edt-pickle", pickle, "--output-dir", tmp_path, "--max-sources", "3")
    # The fourth source is the first one over the maximum.
    assert_one_devicetree_error(
        result,
        "/uevent-sources/emul-pin",
        "has 7 event sources, more than the maximum of 3",
    )
    assert run_cli("--edt-pickle", pickle, "--list", "--max-sources", "7").returncode == 0


def test_syntax_error_names_the_file(run_cli, dts_args):
    result = run_cli(*dts_args("errors/syntax_error.dts"), "--list")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("devicetree error: ") and "syntax_error.dts" in line
    assert "parse error" in line


# Checks that a Zephyr-built edt.pickle passes (the bindings would catch these
# in a .dts) must still hold when a binding is older or different.


@dataclass
class Prop:
    val: Any


@dataclass
class Node:
    path: str
    compats: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    props: dict[str, Prop] = field(default_factory=dict)
    children: dict[str, Node] = field(default_factory=dict)
    parent: Node | None = None
    aliases: list[str] = field(default_factory=list)
    buses: list[str] = field(default_factory=list)
    interrupts: list[Any] = field(default_factory=list)
    status: str = "okay"


@dataclass
class Edt:
    nodes: list[Node]
    compat2nodes: dict[str, list[Node]] = field(default_factory=dict)
    chosen_nodes: dict[str, Node] = field(default_factory=dict)


def test_pickle_keys_child_without_gpios():
    keys = Node("/buttons", compats=["gpio-keys"])
    child = Node("/buttons/b0", labels=["b0"], parent=keys)
    keys.children = {"b0": child}
    with pytest.raises(DevicetreeError, match=r"^devicetree error: /buttons/b0: has no `gpios`"):
        build_board(Edt([keys, child]), inputs=[])


def test_pickle_unknown_edges_value():
    pin = Node(
        "/p",
        compats=["uevent,pin-source"],
        labels=["p"],
        props={"edges": Prop("sideways")},
    )
    with pytest.raises(DevicetreeError, match=r"^devicetree error: /p: unknown edges value"):
        build_board(Edt([pin]), inputs=[])
