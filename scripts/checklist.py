#!/usr/bin/env python3
"""`trustpub check`: run the security checklist on a repository (and PyPI). The code is src/trustpub/commands/checklist.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("checklist.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub check`, or `pipx install trustpub` and then `trustpub check`")
launch("check", prog="checklist.py")
