"""Pins: nodes with the ``uevent,pin-source`` binding."""

from __future__ import annotations

from uevent_codegen.discovery.gpio import pin_spec, require_interrupt
from uevent_codegen.discovery.nodes import (
    Edt,
    EdtNode,
    aliases,
    device_ref,
    is_okay,
    prop,
    source_name,
)
from uevent_codegen.errors import DevicetreeError
from uevent_codegen.model import Edges, Event, GpioPin, IrqRoute, Origin, Source, SourceKind

COMPATIBLE = "uevent,pin-source"

EDGES = {"rising": Edges.RISING, "falling": Edges.FALLING, "both": Edges.BOTH}


def pin_nodes(edt: Edt) -> list[EdtNode]:
    return [n for n in edt.nodes if COMPATIBLE in n.compats and is_okay(n)]


def pin_source(node: EdtNode, edt: Edt) -> Source:
    edges_value = prop(node, "edges", "both")
    edges = EDGES.get(edges_value)
    if edges is None:
        expected = ", ".join(f'"{e}"' for e in EDGES)
        raise DevicetreeError(
            node.path, f"unknown edges value {edges_value!r}: expected one of {expected}"
        )
    debounce_ms = int(prop(node, "debounce-ms", 0))
    if not 0 <= debounce_ms <= 0xFFFF:
        raise DevicetreeError(node.path, f"debounce-ms {debounce_ms} is not in 0..65535")
    spec = pin_spec(node)
    require_interrupt(node, spec, edt, f"edges {edges_value!r} asked of pin {spec.pin}")
    name = source_name(node, label_first=True)
    return Source(
        name=name,
        aliases=aliases(node, name),
        kind=SourceKind.PIN,
        origin=Origin.DECLARED,
        node_path=node.path,
        device=device_ref(spec.controller),
        events=Event.EVENT,
        irq_route=IrqRoute.GPIO_CALLBACK,
        gpio=GpioPin(pin=spec.pin, dt_flags=spec.dt_flags, edges=edges, debounce_ms=debounce_ms),
    )
