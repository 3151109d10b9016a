"""``python -m topodoc``: the ``topodoc`` command."""

import sys

from topodoc.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
