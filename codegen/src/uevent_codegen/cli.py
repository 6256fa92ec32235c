"""Command line: ``uevent-codegen`` / ``python -m uevent_codegen``.

Every failure ends with exit code 1 and one line on stderr; a devicetree
problem reads ``devicetree error: <node path>: <what is wrong>``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from uevent_codegen import GENERATOR_NAME, __version__
from uevent_codegen.describe import text_table
from uevent_codegen.discovery import build_board
from uevent_codegen.edt_loader import find_zephyr_base, load_edt_dts, load_edt_pickle
from uevent_codegen.errors import CodegenError, UsageError
from uevent_codegen.model import Board
from uevent_codegen.render import write_all


def _positive_int(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=GENERATOR_NAME,
        description="Render a board's uevent event sources and backend storage "
        "from a Zephyr devicetree.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--edt-pickle", type=Path, help="the build's edt.pickle (build/zephyr/edt.pickle)"
    )
    source.add_argument(
        "--dts", type=Path, help="a preprocessed .dts file instead (tests, experiments)"
    )
    parser.add_argument(
        "--bindings-dir",
        type=Path,
        action="append",
        default=[],
        help="bindings directory for --dts (repeat; vendor-prefixes.txt in it is used)",
    )
    parser.add_argument(
        "--zephyr-base", help="Zephyr tree whose python-devicetree to use (default: $ZEPHYR_BASE)"
    )
    parser.add_argument("--output-dir", type=Path, help="write the generated files here")
    parser.add_argument(
        "--max-sources",
        type=_positive_int,
        help="fail when the board has more event sources than this",
    )
    parser.add_argument(
        "--list", action="store_true", help="print the board's event sources as a table"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(argv)
    if args.output_dir is None and not args.list:
        parser.error("nothing to do: give --output-dir, --list or both")
    if args.bindings_dir and args.dts is None:
        parser.error("--bindings-dir goes with --dts")
    return args


def _load_edt(args: argparse.Namespace) -> tuple[Any, str]:
    """The EDT and the name of the file it came from."""
    zephyr_base = find_zephyr_base(args.zephyr_base)
    if args.edt_pickle is not None:
        return load_edt_pickle(args.edt_pickle, zephyr_base), args.edt_pickle.name
    if not args.bindings_dir:
        raise UsageError("--dts needs at least one --bindings-dir")
    prefixes = [d / "vendor-prefixes.txt" for d in args.bindings_dir]
    edt = load_edt_dts(
        args.dts, args.bindings_dir, zephyr_base, [p for p in prefixes if p.is_file()]
    )
    return edt, args.dts.name


def run(args: argparse.Namespace) -> Board:
    edt, input_name = _load_edt(args)
    board = build_board(edt, inputs=[input_name], max_sources=args.max_sources)
    if args.output_dir is not None:
        try:
            write_all(board, args.output_dir)
        except OSError as e:
            raise UsageError(f"cannot write to {args.output_dir}: {e.strerror}") from None
    if args.list:
        sys.stdout.write(text_table(board))
    return board


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        run(args)
    except CodegenError as e:
        print(e, file=sys.stderr)
        return 1
    return 0
