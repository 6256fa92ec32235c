"""The errors uevent-codegen reports: one line each, never a traceback."""

from __future__ import annotations


class CodegenError(Exception):
    """An error the command line reports as one line on stderr, exit code 1."""


class DevicetreeError(CodegenError):
    """A devicetree node is malformed or unsupported as an event source."""

    def __init__(self, node_path: str, problem: str) -> None:
        self.node_path = node_path
        self.problem = " ".join(problem.split())
        super().__init__(f"devicetree error: {self.node_path}: {self.problem}")


class UsageError(CodegenError):
    """The generator was called wrongly (missing file, no Zephyr, ...)."""

    def __init__(self, message: str) -> None:
        self.message = " ".join(message.split())
        super().__init__(f"uevent-codegen: error: {self.message}")
