#!/usr/bin/env python3
"""`trustpub harden-workflow`: split build and publish, harden the release workflow. The code is src/trustpub/commands/harden_workflow.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("harden_workflow.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub harden-workflow`, or `pipx install trustpub` and then `trustpub harden-workflow`")
launch("harden-workflow", prog="harden_workflow.py")
