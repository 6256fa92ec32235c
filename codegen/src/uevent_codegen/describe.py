"""Sources described for people: the rows of ``--list`` and the Markdown table."""

from __future__ import annotations

from dataclasses import dataclass, fields

from uevent_codegen.model import Board, Origin, Source, SourceKind


@dataclass(frozen=True)
class SourceRow:
    """One source as text, one field per column."""

    name: str
    aliases: str
    kind: str
    node: str
    device: str
    pin: str
    events: str
    irq_route: str
    notes: str

    @staticmethod
    def headings() -> tuple[str, ...]:
        return tuple(f.name.replace("_", " ").upper() for f in fields(SourceRow))

    @staticmethod
    def titles() -> tuple[str, ...]:
        """Headings for Markdown."""
        return tuple(h.capitalize().replace("Irq", "IRQ") for h in SourceRow.headings())

    def cells(self) -> tuple[str, ...]:
        return tuple(str(getattr(self, f.name)) for f in fields(SourceRow))


def edges_note(source: Source) -> str:
    """What interrupts: "on press (falling edge at the pin)", "on rising edge"."""
    gpio = source.gpio
    assert gpio is not None
    logical = "press" if source.kind is SourceKind.BUTTON else gpio.edges.description
    if source.kind is SourceKind.BUTTON or gpio.pin_edges is not gpio.edges:
        return f"on {logical} ({gpio.pin_edges.description} at the pin)"
    return f"on {logical}"


def notes(source: Source) -> str:
    parts: list[str] = []
    if source.origin is Origin.DECLARED:
        parts.append("declared")
    if source.gpio is not None:
        parts.append(edges_note(source))
        parts.append(f"dt flags 0x{source.gpio.dt_flags:x}")
        if source.gpio.debounce_ms:
            parts.append(f"debounce {source.gpio.debounce_ms} ms")
    if source.idle_us:
        parts.append(f"idle {source.idle_us} us")
    if source.console:
        parts.append("console")
    return ", ".join(parts)


def source_row(source: Source) -> SourceRow:
    return SourceRow(
        name=source.name,
        aliases=", ".join(source.aliases),
        kind=source.kind.value,
        node=source.node_path,
        device=source.device.display,
        pin=str(source.gpio.pin) if source.gpio else "",
        events="|".join(source.events.names),
        irq_route=source.irq_route.value,
        notes=notes(source),
    )


def board_rows(board: Board) -> list[SourceRow]:
    return [source_row(s) for s in board.sources]


def text_table(board: Board) -> str:
    """The board's sources as an aligned plain-text table (``--list``)."""
    rows = [SourceRow.headings()] + [r.cells() for r in board_rows(board)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    count = len(board.sources)
    lines.append(f"{count} event source{'' if count == 1 else 's'}")
    return "\n".join(lines) + "\n"


def summary(source: Source) -> str:
    """One sentence about ``source`` for the Python stub."""
    where = f"{source.device.display}"
    if source.gpio is not None:
        where += f" pin {source.gpio.pin}"
    events = ", ".join(source.events.names)
    extra = notes(source)
    return (
        f"{source.kind.title} {source.node_path} on {where}: raises {events}"
        f" (through the {source.irq_route.value}){'; ' + extra if extra else ''}."
    )
