"""Buttons: children of ``gpio-keys`` nodes.

Every child with status "okay" of a ``gpio-keys`` node with status "okay" is
a button. It interrupts on the edge to its active level (a press) and is
debounced by the parent's ``debounce-interval-ms``.
"""

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
from uevent_codegen.model import Edges, Event, GpioPin, IrqRoute, Origin, Source, SourceKind

COMPATIBLE = "gpio-keys"


def button_nodes(edt: Edt) -> list[EdtNode]:
    """The enabled children of enabled gpio-keys nodes."""
    return [
        child
        for parent in edt.nodes
        if COMPATIBLE in parent.compats and is_okay(parent)
        for child in parent.children.values()
        if is_okay(child)
    ]


def button_source(node: EdtNode, edt: Edt) -> Source:
    spec = pin_spec(node)
    require_interrupt(node, spec, edt, f"a button interrupts on presses of pin {spec.pin}")
    name = source_name(node, label_first=False)
    return Source(
        name=name,
        aliases=aliases(node, name),
        kind=SourceKind.BUTTON,
        origin=Origin.DEVICETREE,
        node_path=node.path,
        device=device_ref(spec.controller),
        events=Event.EVENT,
        irq_route=IrqRoute.GPIO_CALLBACK,
        gpio=GpioPin(
            pin=spec.pin,
            dt_flags=spec.dt_flags,
            edges=Edges.RISING,  # a press: to the active level
            debounce_ms=int(prop(node.parent, "debounce-interval-ms", 0)),
        ),
    )
