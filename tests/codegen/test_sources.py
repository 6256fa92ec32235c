"""Which nodes become sources, and what the model says about each."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from uevent_codegen.discovery import build_board
from uevent_codegen.model import Edges, Event, GpioPin, IrqRoute, Origin, Source, SourceKind


def _by_name(load_edt, fixture: str) -> dict[str, Source]:
    board = build_board(load_edt(FIXTURES / fixture), inputs=[fixture])
    return {s.name: s for s in board.sources}


def test_table_order_is_kind_then_devicetree_order(load_edt):
    board = build_board(load_edt(FIXTURES / "board_all_kinds.dts"), inputs=["x"])
    assert [s.name for s in board.sources] == [
        "button0", "knob", "door", "probe", "uart0", "modem", "tick",
    ]  # fmt: skip


def test_button_named_by_node_label_with_aliases(load_edt):
    button = _by_name(load_edt, "board_all_kinds.dts")["button0"]
    assert button.kind is SourceKind.BUTTON
    assert button.origin is Origin.DEVICETREE
    assert button.node_path == "/buttons/button_0"
    assert button.aliases == ("sw0", "mcuboot_button0")  # '-' read as '_'
    assert button.device.c_node_id == "DT_NODELABEL(gpio0)"
    assert button.events == Event.EVENT
    assert button.irq_route is IrqRoute.GPIO_CALLBACK
    assert button.gpio is not None
    assert (button.gpio.pin, button.gpio.dt_flags) == (11, 0x11)
    assert button.gpio.edges is Edges.RISING  # a press, logically
    assert button.gpio.pin_edges is Edges.FALLING  # active low: at the pin
    assert button.gpio.debounce_ms == 25  # the parent's debounce-interval-ms


def test_button_without_node_label_is_named_by_label_property(load_edt):
    knob = _by_name(load_edt, "board_all_kinds.dts")["knob"]
    assert knob.node_path == "/buttons/button_1"


def test_disabled_nodes_are_not_sources(load_edt):
    paths = {s.node_path for s in _by_name(load_edt, "board_all_kinds.dts").values()}
    assert "/buttons/button_2" not in paths
    assert "/uevent-sources/unused" not in paths
    assert "/serial@40003000" not in paths
    assert _by_name(load_edt, "board_empty.dts") == {}


def test_declared_pins(load_edt):
    sources = _by_name(load_edt, "board_all_kinds.dts")
    door, probe = sources["door"], sources["probe"]
    assert door.kind is SourceKind.PIN and door.origin is Origin.DECLARED
    assert door.gpio is not None and door.gpio.edges is Edges.FALLING
    assert door.gpio.debounce_ms == 20
    # `label` overrides the node label; gpio-emul interrupts without `interrupts`.
    assert probe.node_path == "/uevent-sources/emul-pin"
    assert probe.gpio is not None and probe.gpio.edges is Edges.RISING
    assert probe.device.c_node_id == "DT_NODELABEL(gpio_emul)"


def test_uarts_implicit_console_and_declared(load_edt):
    sources = _by_name(load_edt, "board_all_kinds.dts")
    uart0, modem = sources["uart0"], sources["modem"]
    assert uart0.kind is SourceKind.UART and uart0.origin is Origin.DEVICETREE
    assert uart0.console
    assert uart0.events == Event.READ | Event.WRITE
    assert uart0.aliases == ("console_uart",)
    # uart1 is declared, so it has no implicit source of its own.
    assert "uart1" not in sources
    assert modem.origin is Origin.DECLARED and modem.device.label == "uart1"
    assert modem.idle_us == 500
    assert modem.events == Event.READ | Event.WRITE | Event.EVENT
    assert modem.irq_route is IrqRoute.UART_IRQ
    assert not modem.console


def test_declared_counter(load_edt):
    tick = _by_name(load_edt, "board_all_kinds.dts")["tick"]
    assert tick.kind is SourceKind.COUNTER
    assert tick.device.path == "/timer@40004000"
    assert tick.events == Event.EVENT
    assert tick.irq_route is IrqRoute.COUNTER_TOP
    assert tick.isr_name is None


def test_minimal_board_and_interrupts_extended(load_edt):
    sources = _by_name(load_edt, "board_minimal.dts")
    assert list(sources) == ["user_button", "usart2"]
    assert sources["user_button"].gpio is not None
    assert sources["user_button"].gpio.debounce_ms == 30  # gpio-keys binding default


def test_node_without_label_gets_dt_path():
    from uevent_codegen.discovery.nodes import c_node_id

    class Node:
        labels = ()
        path = "/soc/gpio@50000000"

    assert c_node_id(Node()) == "DT_PATH(soc, gpio_50000000)"


def test_devicetree_names_for_machine(load_edt):
    board = build_board(load_edt(FIXTURES / "board_all_kinds.dts"), inputs=["x"])
    assert [g.names for g in board.gpio_controllers] == [("gpio0",), ("gpio_emul",)]
    # Every enabled UART, declared as a source or not; not the disabled uart2.
    assert [u.names for u in board.uarts] == [("uart0",), ("uart1",)]
    assert [(p.names, p.pin) for p in board.named_pins] == [
        (("button0", "sw0", "mcuboot_button0"), 11),
        (("door",), 3),
        (("emul_pin",), 2),
    ]  # button_1 has no label or alias: reachable as the source "knob" only


def test_leds_are_named_pins_not_sources(load_edt):
    board = build_board(load_edt(FIXTURES / "board_minimal.dts"), inputs=["x"])
    assert [s.name for s in board.sources] == ["user_button", "usart2"]
    assert [(p.names, p.node_path) for p in board.named_pins] == [
        (("green_led", "led0"), "/leds/led_0"),
        (("user_button",), "/gpio_keys/button"),
    ]


@pytest.mark.parametrize(
    ("edges", "dt_flags", "at_pin"),
    [
        (Edges.RISING, 0x0, Edges.RISING),
        (Edges.RISING, 0x1, Edges.FALLING),
        (Edges.FALLING, 0x11, Edges.RISING),
        (Edges.FALLING, 0x10, Edges.FALLING),
        (Edges.BOTH, 0x1, Edges.BOTH),
    ],
)
def test_pin_edges_follow_active_low(edges: Edges, dt_flags: int, at_pin: Edges) -> None:
    gpio = GpioPin(pin=3, dt_flags=dt_flags, edges=edges, debounce_ms=0)
    assert gpio.pin_edges is at_pin
