#!/usr/bin/env python3
"""`trustpub release`: set the version, move the changelog, commit, tag, push. The code is src/trustpub/commands/release.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("release.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub release`, or `pipx install trustpub` and then `trustpub release`")
launch("release", prog="release.py")
