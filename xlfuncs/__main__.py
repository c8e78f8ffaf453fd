import sys

from xlfuncs.cli import main

sys.exit(main())
