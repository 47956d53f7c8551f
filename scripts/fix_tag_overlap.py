#!/usr/bin/env python3
"""`trustpub fix-tag-overlap`: keep one tag from reaching both PyPI and TestPyPI. The code is src/trustpub/commands/fix_tag_overlap.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("fix_tag_overlap.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub fix-tag-overlap`, or `pipx install trustpub` and then `trustpub fix-tag-overlap`")
launch("fix-tag-overlap", prog="fix_tag_overlap.py")
