"""Small, uniform questions asked of edtlib nodes."""

from __future__ import annotations

from typing import Any

from uevent_codegen.errors import DevicetreeError
from uevent_codegen.model import DeviceRef
from uevent_codegen.names import alias_as_name, dt_ident, name_problem

EdtNode = Any  # devicetree.edtlib.Node; edtlib is imported at run time
Edt = Any  # devicetree.edtlib.EDT


def is_okay(node: EdtNode) -> bool:
    return bool(node.status == "okay")


def prop(node: EdtNode, name: str, default: Any = None) -> Any:
    """The value of property ``name`` (binding defaults applied), or ``default``."""
    found = node.props.get(name)
    return default if found is None else found.val


def c_node_id(node: EdtNode) -> str:
    """A devicetree node identifier macro for ``node``."""
    if node.labels:
        return f"DT_NODELABEL({node.labels[0]})"
    if node.path == "/":
        return "DT_ROOT"
    parts = ", ".join(dt_ident(part) for part in node.path.strip("/").split("/"))
    return f"DT_PATH({parts})"


def device_ref(node: EdtNode) -> DeviceRef:
    return DeviceRef(
        path=node.path,
        label=node.labels[0] if node.labels else None,
        okay=is_okay(node),
        c_node_id=c_node_id(node),
    )


def source_name(node: EdtNode, *, label_first: bool) -> str:
    """The source's name: the ``label`` property or the devicetree label,
    in the given precedence. Fails when neither gives a valid name."""
    label_prop = prop(node, "label")
    candidates = [label_prop, *node.labels[:1]] if label_first else [*node.labels[:1], label_prop]
    name = next((c for c in candidates if c), None)
    if name is None:
        raise DevicetreeError(
            node.path,
            "event source has no name: give the node a devicetree label "
            "(name: node { ... }) or a `label` property",
        )
    problem = name_problem(name)
    if problem is not None:
        raise DevicetreeError(node.path, problem)
    return str(name)


def aliases(node: EdtNode, name: str) -> tuple[str, ...]:
    """The node's /aliases usable as extra names (valid, other than ``name``)."""
    found: list[str] = []
    for alias in node.aliases:
        as_name = alias_as_name(alias)
        if as_name != name and as_name not in found and name_problem(as_name) is None:
            found.append(as_name)
    return tuple(found)


def phandle_target(node: EdtNode, prop_name: str) -> EdtNode:
    """The node a required phandle property points at."""
    target = prop(node, prop_name)
    if target is None:
        raise DevicetreeError(node.path, f"missing required property `{prop_name}`")
    return target
