"""GPIO pins of button and pin sources, and whether their controller can
interrupt.

Rule: a GPIO controller can interrupt when its node has ``interrupts`` or
``interrupts-extended``, or when its compatible takes pin interrupts from a
separate block (listed in :data:`INTERRUPT_BLOCKS`) that has a node with
status "okay". Asking edges of a pin on any other controller is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from uevent_codegen.discovery.nodes import Edt, EdtNode, is_okay
from uevent_codegen.errors import DevicetreeError

# GPIO controller compatible -> compatible of the block that raises its pin
# interrupts (None: the controller needs no other block).
INTERRUPT_BLOCKS: dict[str, str | None] = {
    "nordic,nrf-gpio": "nordic,nrf-gpiote",
    "st,stm32-gpio": "st,stm32-exti",
    "zephyr,gpio-emul": None,
}


@dataclass(frozen=True)
class PinSpec:
    """A pin as one ``gpios`` specifier names it."""

    controller: EdtNode
    pin: int
    dt_flags: int


def pin_spec(node: EdtNode, prop_name: str = "gpios") -> PinSpec:
    """The single GPIO specifier in ``node``'s ``prop_name`` property."""
    found = node.props.get(prop_name)
    if found is None:
        raise DevicetreeError(node.path, f"has no `{prop_name}` property: which pin is it?")
    specs = [s for s in found.val if s is not None]
    if len(specs) != 1:
        raise DevicetreeError(
            node.path, f"`{prop_name}` must name exactly one pin, it names {len(specs)}"
        )
    spec = specs[0]
    if "pin" not in spec.data:
        raise DevicetreeError(
            node.path,
            f"the binding of GPIO controller {spec.controller.path} "
            "does not name a `pin` cell in `gpio-cells`",
        )
    return PinSpec(spec.controller, int(spec.data["pin"]), int(spec.data.get("flags", 0)))


def interrupt_problem(controller: EdtNode, edt: Edt) -> str | None:
    """Why pins of ``controller`` cannot interrupt, or None when they can."""
    if controller.interrupts:
        return None
    compats = [c for c in controller.compats if c in INTERRUPT_BLOCKS]
    if not compats:
        known = ", ".join(sorted(INTERRUPT_BLOCKS))
        return (
            f"GPIO controller {controller.path} has no interrupt: it has no `interrupts` "
            f"or `interrupts-extended`, and its compatible is none of {known}"
        )
    block = INTERRUPT_BLOCKS[compats[0]]
    if block is None or any(is_okay(n) for n in edt.compat2nodes.get(block, [])):
        return None
    return (
        f"GPIO controller {controller.path} has no interrupt: {compats[0]} pins "
        f'interrupt through a {block} node, and none has status "okay"'
    )


def require_interrupt(node: EdtNode, spec: PinSpec, edt: Edt, wanted: str) -> None:
    """Fail unless the pin can interrupt; ``wanted`` says what asked for it."""
    problem = interrupt_problem(spec.controller, edt)
    if problem is not None:
        raise DevicetreeError(node.path, f"{wanted}, but {problem}")
