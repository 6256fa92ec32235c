"""Jinja2 filters: text transformations kept in Python, out of the templates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

_COMMENT_STYLES: dict[str, tuple[str, str, str]] = {
    # style: (first line, line prefix, last line)
    "c": ("/*", " * ", " */"),
    "python": ("", "# ", ""),
    "markdown": ("<!--", "  ", "-->"),
}


def comment(lines: Iterable[str], style: str) -> str:
    """``lines`` as one comment block in the given style."""
    try:
        first, prefix, last = _COMMENT_STYLES[style]
    except KeyError:
        raise ValueError(f"unknown comment style {style!r}") from None
    body = [(prefix + line).rstrip() for line in lines]
    if style == "c":
        body = [line.replace("*/", "* /") for line in body]
    return "\n".join([line for line in (first, *body, last) if line])


def c_string(text: str) -> str:
    """``text`` as a C string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def c_comment_text(text: str) -> str:
    """``text`` made safe inside a C comment."""
    return text.replace("*/", "* /").replace("/*", "/ *")


def hex_literal(value: int) -> str:
    return f"0x{value:x}"


def md_cell(text: str) -> str:
    """``text`` made safe inside a Markdown table cell."""
    return text.replace("|", "\\|") if text else " "


FILTERS: dict[str, Callable[..., Any]] = {
    "comment": comment,
    "c_string": c_string,
    "c_comment_text": c_comment_text,
    "hex": hex_literal,
    "md_cell": md_cell,
}
