"""Devicetree names that machine.Pin and machine.UART look up.

- GPIO controllers (``gpio-controller`` nodes with status "okay") by node label,
- single pins (children of ``gpio-leds`` and ``gpio-keys`` nodes, and
  ``uevent,pin-source`` nodes, all with status "okay") by node label and alias,
- UARTs (nodes with status "okay" whose binding declares ``bus: uart``) by
  node label,
- I2C and SPI controllers (status "okay", binding declares ``bus: i2c`` /
  ``bus: spi``) by node label and alias, and by index in devicetree order.

Nodes without a usable name are simply not reachable by name; two pins with
one name are an error, since a name must find one pin.
"""

from __future__ import annotations

from uevent_codegen.discovery.gpio import pin_spec
from uevent_codegen.discovery.nodes import Edt, EdtNode, device_ref, is_okay
from uevent_codegen.discovery.pins import COMPATIBLE as PIN_SOURCE
from uevent_codegen.discovery.uarts import is_uart
from uevent_codegen.errors import DevicetreeError
from uevent_codegen.model import NamedDevice, NamedPin
from uevent_codegen.names import alias_as_name, name_problem

PIN_PARENTS = ("gpio-leds", "gpio-keys")


def _labels(node: EdtNode) -> tuple[str, ...]:
    return tuple(label for label in node.labels if name_problem(label) is None)


def _is_gpio_controller(node: EdtNode) -> bool:
    return "gpio-controller" in node.props or "#gpio-cells" in node.props


def gpio_controllers(edt: Edt) -> tuple[NamedDevice, ...]:
    return tuple(
        NamedDevice(_labels(n), device_ref(n))
        for n in edt.nodes
        if is_okay(n) and _is_gpio_controller(n) and _labels(n)
    )


def uarts(edt: Edt) -> tuple[NamedDevice, ...]:
    return tuple(
        NamedDevice(_labels(n), device_ref(n))
        for n in edt.nodes
        if is_okay(n) and is_uart(n) and _labels(n)
    )


def _pin_nodes(edt: Edt) -> list[EdtNode]:
    found = []
    for node in edt.nodes:
        if not is_okay(node):
            continue
        parent = node.parent
        in_group = parent is not None and is_okay(parent)
        if (
            in_group and any(c in parent.compats for c in PIN_PARENTS)
        ) or PIN_SOURCE in node.compats:
            found.append(node)
    return found


def named_pins(edt: Edt) -> tuple[NamedPin, ...]:
    pins: list[NamedPin] = []
    owners: dict[str, str] = {}
    for node in _pin_nodes(edt):
        aliases = tuple(alias_as_name(a) for a in node.aliases)
        names = tuple(dict.fromkeys(n for n in (*_labels(node), *aliases) if not name_problem(n)))
        if not names:
            continue
        for name in names:
            if name in owners:
                raise DevicetreeError(
                    node.path, f"pin name {name!r} is already the name of {owners[name]}"
                )
            owners[name] = node.path
        spec = pin_spec(node)
        pins.append(
            NamedPin(names, node.path, device_ref(spec.controller), spec.pin, spec.dt_flags)
        )
    return tuple(pins)


def _bus_names(node: EdtNode) -> tuple[str, ...]:
    aliases = tuple(alias_as_name(a) for a in node.aliases)
    return tuple(dict.fromkeys(n for n in (*_labels(node), *aliases) if not name_problem(n)))


def buses(edt: Edt, bus: str) -> tuple[NamedDevice, ...]:
    """Okay controllers of ``bus`` ("i2c", "spi"): nodes whose binding says
    they provide that bus, in devicetree order (machine.I2C(0) is the first)."""
    return tuple(
        NamedDevice(_bus_names(n), device_ref(n))
        for n in edt.nodes
        if is_okay(n) and bus in n.buses and _bus_names(n)
    )
