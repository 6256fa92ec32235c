"""uevent-codegen: devicetree to uevent C glue, through Jinja2.

Reads a Zephyr build's devicetree (``edt.pickle``), decides which nodes are
uevent event sources (:mod:`uevent_codegen.discovery`), and renders the
per-board source table, the k_poll backend storage and user documentation
(:mod:`uevent_codegen.render`).
"""

__version__ = "0.1.0"
GENERATOR_NAME = "uevent-codegen"
