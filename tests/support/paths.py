"""Where things are: the repository, the frozen test lab, the installed ``topodoc`` command."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: A frozen copy of the example lab (``topology/``) as it was when the tests were written.
#: Tests that need *a* realistic lab use this copy, so editing the example lab breaks only
#: the tests that are about it (the documentation's printed outputs, the demo's copy, the site).
LAB = REPO / "tests" / "data" / "lab"

#: The example lab that the documentation shows and the site is built from.
EXAMPLE = REPO / "topology"

#: The ``topodoc`` command installed beside the Python that runs the tests.
TOPODOC = Path(sys.executable).with_name("topodoc")
