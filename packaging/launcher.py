"""The frozen app's entry point: the same `vismadesk` command the wheel installs."""

import sys

from vismadesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
