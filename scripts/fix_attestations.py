#!/usr/bin/env python3
"""`trustpub fix-attestations`: stop the publish step switching off attestations. The code is src/trustpub/commands/fix_attestations.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("fix_attestations.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub fix-attestations`, or `pipx install trustpub` and then `trustpub fix-attestations`")
launch("fix-attestations", prog="fix_attestations.py")
