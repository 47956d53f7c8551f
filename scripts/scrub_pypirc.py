#!/usr/bin/env python3
"""`trustpub scrub-pypirc`: remove old PyPI API tokens from .pypirc. The code is src/trustpub/commands/scrub_pypirc.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("scrub_pypirc.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub scrub-pypirc`, or `pipx install trustpub` and then `trustpub scrub-pypirc`")
launch("scrub-pypirc", prog="scrub_pypirc.py")
