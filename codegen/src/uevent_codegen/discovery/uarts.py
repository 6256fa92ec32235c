"""UARTs: implicit UART nodes and ``uevent,uart-source`` declarations.

Rule: a node with status "okay" whose binding declares ``bus: uart`` (every
Zephyr UART binding does, through ``uart-controller.yaml``) is a UART source
named by its devicetree label, unless a ``uevent,uart-source`` node points at
it: then the declared source replaces the implicit one.
"""

from __future__ import annotations

from uevent_codegen.discovery.nodes import (
    Edt,
    EdtNode,
    aliases,
    device_ref,
    is_okay,
    phandle_target,
    prop,
    source_name,
)
from uevent_codegen.errors import DevicetreeError
from uevent_codegen.model import Event, IrqRoute, Origin, Source, SourceKind

COMPATIBLE = "uevent,uart-source"
CONSOLE_CHOSEN = ("zephyr,console", "zephyr,shell-uart")


def is_uart(node: EdtNode) -> bool:
    return "uart" in node.buses


def declared_uart_nodes(edt: Edt) -> list[EdtNode]:
    return [n for n in edt.nodes if COMPATIBLE in n.compats and is_okay(n)]


def implicit_uart_nodes(edt: Edt) -> list[EdtNode]:
    """Enabled UART nodes that no uevent,uart-source declaration replaces."""
    declared = {phandle_target(n, "uart").path for n in declared_uart_nodes(edt)}
    return [n for n in edt.nodes if is_uart(n) and is_okay(n) and n.path not in declared]


def _is_console(uart: EdtNode, edt: Edt) -> bool:
    chosen = edt.chosen_nodes
    return any(chosen.get(c) is not None and chosen[c].path == uart.path for c in CONSOLE_CHOSEN)


def implicit_uart_source(node: EdtNode, edt: Edt) -> Source:
    if not node.labels:
        raise DevicetreeError(
            node.path,
            "UART has no devicetree label to name its event source: add a label, "
            "or declare it with a uevent,uart-source node",
        )
    name = source_name(node, label_first=False)
    return Source(
        name=name,
        aliases=aliases(node, name),
        kind=SourceKind.UART,
        origin=Origin.DEVICETREE,
        node_path=node.path,
        device=device_ref(node),
        events=Event.READ | Event.WRITE,
        irq_route=IrqRoute.UART_IRQ,
        console=_is_console(node, edt),
    )


def declared_uart_source(node: EdtNode, edt: Edt) -> Source:
    uart = phandle_target(node, "uart")
    if not is_uart(uart):
        raise DevicetreeError(
            node.path, f"`uart` points at {uart.path}, which is not a UART (no `bus: uart`)"
        )
    idle_us = int(prop(node, "idle-us", 0))
    if not 0 <= idle_us <= 0xFFFFFFFF:
        raise DevicetreeError(node.path, f"idle-us {idle_us} is not in 0..4294967295")
    name = source_name(node, label_first=True)
    events = Event.READ | Event.WRITE | (Event.EVENT if idle_us else Event(0))
    return Source(
        name=name,
        aliases=aliases(node, name),
        kind=SourceKind.UART,
        origin=Origin.DECLARED,
        node_path=node.path,
        device=device_ref(uart),
        events=events,
        irq_route=IrqRoute.UART_IRQ,
        idle_us=idle_us,
        console=_is_console(uart, edt),
    )
