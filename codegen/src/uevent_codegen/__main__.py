"""``python -m uevent_codegen``: the command-line interface."""

import sys

from uevent_codegen.cli import main

sys.exit(main())
