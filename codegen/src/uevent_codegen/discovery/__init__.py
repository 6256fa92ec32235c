"""Which devicetree nodes are uevent event sources, and what they are.

One module per source kind; :mod:`.board` assembles and checks the table.
"""

from uevent_codegen.discovery.board import build_board

__all__ = ["build_board"]
