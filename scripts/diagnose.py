#!/usr/bin/env python3
"""`trustpub diagnose`: explain a failed release from its log. The code is src/trustpub/commands/diagnose.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("diagnose.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub diagnose`, or `pipx install trustpub` and then `trustpub diagnose`")
launch("diagnose", prog="diagnose.py")
