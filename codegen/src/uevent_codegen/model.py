"""The board's event sources as plain data: every decision is made here or in
:mod:`uevent_codegen.discovery`; templates only render these values."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SourceKind(enum.Enum):
    """What a source is. Values match ``uevent_board_kind_t`` in uevent_board.h."""

    BUTTON = "button"  # gpio-keys child
    PIN = "pin"  # uevent,pin-source
    UART = "uart"  # UART node or uevent,uart-source
    COUNTER = "counter"  # uevent,counter-source

    @property
    def c_name(self) -> str:
        return f"UEVENT_BOARD_KIND_{self.name}"

    @property
    def title(self) -> str:
        return "UART" if self is SourceKind.UART else self.value.capitalize()


class Origin(enum.Enum):
    """Where a source comes from."""

    DEVICETREE = "devicetree"  # implied by a gpio-keys child or a UART node
    DECLARED = "declared"  # user-declared with a uevent,* binding


class Event(enum.Flag):
    """Events a source can raise; values match UEVENT_* in uevent_source.h."""

    READ = 0x1
    WRITE = 0x2
    EVENT = 0x4

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in Event if e in self and e.name is not None)

    @property
    def c_expr(self) -> str:
        return " | ".join(f"UEVENT_{name}" for name in self.names) or "0"


class IrqRoute(enum.Enum):
    """How the source's interrupt reaches uevent."""

    GPIO_CALLBACK = "gpio callback"  # generated ISR -> uevent_board_pin_fired()
    UART_IRQ = "uart irq"  # uart_irq_callback_user_data_set() in uevent_board_uart_setup()
    COUNTER_TOP = "counter top callback"  # counter_set_top_value() in ..._counter_setup()

    @property
    def setup_function(self) -> str:
        """The hand-written function (uevent_board.h) that sets the source up."""
        return {
            IrqRoute.GPIO_CALLBACK: "uevent_board_pin_setup",
            IrqRoute.UART_IRQ: "uevent_board_uart_setup",
            IrqRoute.COUNTER_TOP: "uevent_board_counter_setup",
        }[self]


GPIO_ACTIVE_LOW = 0x1  # zephyr/dt-bindings/gpio/gpio.h


class Edges(enum.Enum):
    """GPIO interrupt edges; values are the Zephyr ``GPIO_INT_EDGE_*`` macros
    for pin levels (not Zephyr's logical ``TO_ACTIVE`` forms, which follow
    the driver's per-pin invert state: whoever configured the pin last)."""

    RISING = "GPIO_INT_EDGE_RISING"
    FALLING = "GPIO_INT_EDGE_FALLING"
    BOTH = "GPIO_INT_EDGE_BOTH"

    def at_pin(self, active_low: bool) -> Edges:
        """These logical edges as pin levels: swapped on an active-low pin."""
        if not active_low or self is Edges.BOTH:
            return self
        return Edges.FALLING if self is Edges.RISING else Edges.RISING

    @property
    def description(self) -> str:
        return "both edges" if self is Edges.BOTH else f"{self.name.lower()} edge"


@dataclass(frozen=True)
class DeviceRef:
    """A devicetree node that is (or may be) a Zephyr device."""

    path: str
    label: str | None  # first devicetree label, if any
    okay: bool  # status = "okay": a driver may instantiate it
    c_node_id: str  # DT_NODELABEL(...) or DT_PATH(...)

    @property
    def display(self) -> str:
        name = self.label or self.path
        return name if self.okay else f"{name} (disabled)"


@dataclass(frozen=True)
class GpioPin:
    """The pin of a button or pin source, on the source's device (its GPIO controller).

    ``edges`` are logical (a button's press is RISING: to its active level);
    ``pin_edges`` are what the interrupt is configured with."""

    pin: int
    dt_flags: int
    edges: Edges
    debounce_ms: int

    @property
    def active_low(self) -> bool:
        return bool(self.dt_flags & GPIO_ACTIVE_LOW)

    @property
    def pin_edges(self) -> Edges:
        return self.edges.at_pin(self.active_low)


@dataclass(frozen=True)
class Source:
    """One event source of the board."""

    name: str
    aliases: tuple[str, ...]
    kind: SourceKind
    origin: Origin
    node_path: str
    device: DeviceRef
    events: Event
    irq_route: IrqRoute
    gpio: GpioPin | None = None
    idle_us: int = 0
    console: bool = False  # the UART is chosen as zephyr,console or zephyr,shell-uart

    @property
    def names(self) -> tuple[str, ...]:
        """The name, then the aliases: everything Python can call it."""
        return (self.name, *self.aliases)

    @property
    def c_index(self) -> str:
        return f"UEVENT_BOARD_SRC_{self.name}"

    @property
    def isr_name(self) -> str | None:
        """The generated ISR callback, for sources routed through one."""
        if self.irq_route is IrqRoute.GPIO_CALLBACK:
            return f"uevent_board_sources_isr_{self.name}"
        return None


@dataclass(frozen=True)
class NamedDevice:
    """A device that machine.Pin or machine.UART finds by a devicetree name."""

    names: tuple[str, ...]  # node labels (and, for pins, aliases)
    device: DeviceRef


@dataclass(frozen=True)
class NamedPin:
    """A single pin that machine.Pin finds by name (a gpio_dt_spec)."""

    names: tuple[str, ...]
    node_path: str
    device: DeviceRef  # the GPIO controller
    pin: int
    dt_flags: int


@dataclass(frozen=True)
class Board:
    """The event sources of one board, in table order, and the devicetree
    names that machine.Pin, UART, I2C and SPI look up."""

    sources: tuple[Source, ...]
    inputs: tuple[str, ...]  # file names the table was generated from
    gpio_controllers: tuple[NamedDevice, ...] = ()
    named_pins: tuple[NamedPin, ...] = ()
    uarts: tuple[NamedDevice, ...] = ()
    i2c_buses: tuple[NamedDevice, ...] = ()
    spi_buses: tuple[NamedDevice, ...] = ()

    @property
    def devices(self) -> tuple[DeviceRef, ...]:
        """Distinct devices the rendered code references, in first-use order."""
        refs = [s.device for s in self.sources]
        refs += [d.device for d in (*self.gpio_controllers, *self.uarts)]
        refs += [d.device for d in (*self.i2c_buses, *self.spi_buses)]
        refs += [p.device for p in self.named_pins]
        seen: dict[str, DeviceRef] = {}
        for ref in refs:
            seen.setdefault(ref.path, ref)
        return tuple(seen.values())
