#!/usr/bin/env python3
"""`trustpub fix-action-ref`: pin pypa/gh-action-pypi-publish to a current release. The code is src/trustpub/commands/fix_action_ref.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("fix_action_ref.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub fix-action-ref`, or `pipx install trustpub` and then `trustpub fix-action-ref`")
launch("fix-action-ref", prog="fix_action_ref.py")
