"""Loading Zephyr's extended devicetree (EDT) with Zephyr's python-devicetree.

The build writes ``build/zephyr/edt.pickle``; unpickling it needs the
``devicetree`` package of the same Zephyr tree, found under
``$ZEPHYR_BASE/scripts/dts/python-devicetree/src`` as Zephyr's own
``gen_defines.py`` does. Tests can also build an EDT from a ``.dts`` file and
bindings directories.
"""

from __future__ import annotations

import importlib
import os
import pickle
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from uevent_codegen.errors import DevicetreeError, UsageError

PYTHON_DEVICETREE_SRC = Path("scripts", "dts", "python-devicetree", "src")

# How edtlib names a node in its messages: <Node /path in 'file.dts', ...>
_NODE_REPR = re.compile(r"<Node (?P<path>/\S*) in '[^']*'(?:, [^>]*)?>")
# ... or: "node '/path' ..." and "... for node /path."
_NODE_WORD = re.compile(r"\bnode '?(?P<path>/[^\s',]*?)'?(?=[\s,.:]|$)")
# ... or: "value of property 'x' on /path in file.dts ..."
_ON_NODE = re.compile(r"\bproperty '[^']*' on (?P<path>/\S+) in ")


def find_zephyr_base(zephyr_base: str | None) -> Path:
    """The Zephyr tree: ``zephyr_base`` if given, else ``$ZEPHYR_BASE``."""
    chosen = zephyr_base or os.environ.get("ZEPHYR_BASE")
    if not chosen:
        raise UsageError(
            "cannot find Zephyr's python-devicetree: pass --zephyr-base or set ZEPHYR_BASE"
        )
    base = Path(chosen)
    if not (base / PYTHON_DEVICETREE_SRC / "devicetree" / "edtlib.py").is_file():
        raise UsageError(f"{base} is not a Zephyr tree: no {PYTHON_DEVICETREE_SRC}/devicetree")
    return base


def import_edtlib(zephyr_base: Path) -> ModuleType:
    """Import ``devicetree.edtlib`` from the Zephyr tree at ``zephyr_base``."""
    src = str(zephyr_base / PYTHON_DEVICETREE_SRC)
    if src not in sys.path:
        sys.path.insert(0, src)
    return importlib.import_module("devicetree.edtlib")


def load_edt_pickle(path: Path, zephyr_base: Path) -> Any:
    """The EDT that a Zephyr build pickled to ``path``."""
    import_edtlib(zephyr_base)  # unpickling needs the edtlib classes
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as e:
        raise UsageError(
            f"{path} is not an edt.pickle of this Zephyr tree ({zephyr_base}): {e}"
        ) from None


def load_edt_dts(
    dts: Path,
    bindings_dirs: Sequence[Path],
    zephyr_base: Path,
    vendor_prefixes: Sequence[Path] = (),
) -> Any:
    """An EDT built from a preprocessed ``.dts`` file, as gen_defines.py does."""
    edtlib = import_edtlib(zephyr_base)
    dtlib = importlib.import_module("devicetree.dtlib")
    prefixes: dict[str, str] = {}
    try:
        for prefix_file in vendor_prefixes:
            prefixes.update(edtlib.load_vendor_prefixes_txt(str(prefix_file)))
        return edtlib.EDT(
            str(dts),
            [str(d) for d in bindings_dirs],
            default_prop_types=True,
            infer_binding_for_paths=["/zephyr,user"],
            vendor_prefixes=prefixes,
            werror=True,
        )
    except OSError as e:
        raise UsageError(f"cannot read {e.filename or dts}: {e.strerror}") from None
    except (edtlib.EDTError, dtlib.DTError) as e:
        raise edtlib_error(e, dts) from None


def edtlib_error(error: Exception, fallback_path: Path) -> DevicetreeError:
    """An edtlib/dtlib error as a one-line DevicetreeError naming the node."""
    message = " ".join(str(error).split())
    match = _NODE_REPR.search(message)
    if match is not None:
        return DevicetreeError(match["path"], _NODE_REPR.sub("the node", message))
    match = _NODE_WORD.search(message) or _ON_NODE.search(message)
    if match is not None:
        return DevicetreeError(match["path"], message)
    return DevicetreeError(str(fallback_path), message)
