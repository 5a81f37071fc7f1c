import sys

from vismadesk.cli import main

sys.exit(main())
