"""Source names: they become C identifiers (``MP_QSTR_<name>``, enum members)
and Python attribute names, so they must be valid in both languages."""

from __future__ import annotations

import keyword
import re

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

C_KEYWORDS = frozenset(
    [
        "auto",
        "break",
        "case",
        "char",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extern",
        "float",
        "for",
        "goto",
        "if",
        "inline",
        "int",
        "long",
        "register",
        "restrict",
        "return",
        "short",
        "signed",
        "sizeof",
        "static",
        "struct",
        "switch",
        "typedef",
        "union",
        "unsigned",
        "void",
        "volatile",
        "while",
        "_Alignas",
        "_Alignof",
        "_Atomic",
        "_Bool",
        "_Complex",
        "_Generic",
        "_Imaginary",
        "_Noreturn",
        "_Static_assert",
        "_Thread_local",
    ]
)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a source, or None when it can."""
    if not _IDENTIFIER.match(name):
        return (
            f"source name {name!r} is not a valid C identifier "
            "(letters, digits and '_', not starting with a digit)"
        )
    if name in C_KEYWORDS or keyword.iskeyword(name):
        return f"source name {name!r} is a C or Python keyword"
    return None


def alias_as_name(alias: str) -> str:
    """A devicetree alias as a name, the way Zephyr's DT_ALIAS() spells it."""
    return alias.replace("-", "_")


def dt_ident(node_name: str) -> str:
    """A node name as a devicetree macro token (gen_defines.py's str2ident)."""
    return re.sub(r"[-,.@/+]", "_", node_name.lower())
