"""The board's source table: every kind discovered, ordered and checked."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from uevent_codegen.discovery.buttons import button_nodes, button_source
from uevent_codegen.discovery.counters import counter_nodes, counter_source
from uevent_codegen.discovery.lookups import buses, gpio_controllers, named_pins, uarts
from uevent_codegen.discovery.nodes import Edt, EdtNode
from uevent_codegen.discovery.pins import pin_nodes, pin_source
from uevent_codegen.discovery.uarts import (
    declared_uart_nodes,
    declared_uart_source,
    implicit_uart_nodes,
    implicit_uart_source,
)
from uevent_codegen.errors import DevicetreeError
from uevent_codegen.model import Board, Source

SourceFactory = Callable[[EdtNode, Edt], Source]


def _discover(edt: Edt) -> list[Source]:
    """All sources: buttons, pins, UARTs, counters; devicetree order within a kind."""
    order = {node.path: i for i, node in enumerate(edt.nodes)}
    groups: list[list[tuple[EdtNode, SourceFactory]]] = [
        [(n, button_source) for n in button_nodes(edt)],
        [(n, pin_source) for n in pin_nodes(edt)],
        [(n, declared_uart_source) for n in declared_uart_nodes(edt)]
        + [(n, implicit_uart_source) for n in implicit_uart_nodes(edt)],
        [(n, counter_source) for n in counter_nodes(edt)],
    ]
    sources: list[Source] = []
    for group in groups:
        for node, factory in sorted(group, key=lambda item: order[item[0].path]):
            sources.append(factory(node, edt))
    return sources


def _check_names(sources: Sequence[Source]) -> None:
    owners: dict[str, Source] = {}
    for source in sources:
        for name in source.names:
            other = owners.get(name)
            if other is not None:
                what = "source name" if name == source.name else "alias"
                raise DevicetreeError(
                    source.node_path, f"{what} {name!r} is already used by {other.node_path}"
                )
            owners[name] = source


def _check_devices(sources: Sequence[Source]) -> None:
    """One source per pin, per UART, per counter: each has one interrupt owner."""
    owners: dict[tuple[str, int | None], Source] = {}
    for source in sources:
        pin = source.gpio.pin if source.gpio else None
        key = (source.device.path, pin)
        other = owners.get(key)
        if other is not None:
            what = f"pin {pin} of {source.device.path}" if pin is not None else source.device.path
            raise DevicetreeError(
                source.node_path, f"{what} is already the event source {other.name!r}"
            )
        owners[key] = source


def _check_count(sources: Sequence[Source], max_sources: int | None) -> None:
    if max_sources is not None and len(sources) > max_sources:
        first_extra = sources[max_sources]
        raise DevicetreeError(
            first_extra.node_path,
            f"the board has {len(sources)} event sources, more than the maximum of "
            f"{max_sources}: raise the maximum or disable sources",
        )


def build_board(edt: Edt, *, inputs: Sequence[str], max_sources: int | None = None) -> Board:
    """The checked table of ``edt``'s event sources."""
    sources = _discover(edt)
    _check_names(sources)
    _check_devices(sources)
    _check_count(sources, max_sources)
    return Board(
        sources=tuple(sources),
        inputs=tuple(inputs),
        gpio_controllers=gpio_controllers(edt),
        named_pins=named_pins(edt),
        uarts=uarts(edt),
        i2c_buses=buses(edt, "i2c"),
        spi_buses=buses(edt, "spi"),
    )
