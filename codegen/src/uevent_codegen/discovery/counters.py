"""Counters: nodes with the ``uevent,counter-source`` binding.

Counters are never implicit: a counter's top-value callback has one owner,
and taking every enabled timer would take timers that drivers use.
"""

from __future__ import annotations

from uevent_codegen.discovery.nodes import (
    Edt,
    EdtNode,
    aliases,
    device_ref,
    is_okay,
    phandle_target,
    source_name,
)
from uevent_codegen.model import Event, IrqRoute, Origin, Source, SourceKind

COMPATIBLE = "uevent,counter-source"


def counter_nodes(edt: Edt) -> list[EdtNode]:
    return [n for n in edt.nodes if COMPATIBLE in n.compats and is_okay(n)]


def counter_source(node: EdtNode, edt: Edt) -> Source:
    del edt  # same signature as the other kinds
    counter = phandle_target(node, "counter")
    name = source_name(node, label_first=True)
    return Source(
        name=name,
        aliases=aliases(node, name),
        kind=SourceKind.COUNTER,
        origin=Origin.DECLARED,
        node_path=node.path,
        device=device_ref(counter),
        events=Event.EVENT,
        irq_route=IrqRoute.COUNTER_TOP,
    )
