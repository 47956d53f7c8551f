#!/usr/bin/env python3
"""`trustpub fix-id-token`: grant id-token: write only to the upload jobs. The code is src/trustpub/commands/fix_id_token.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("fix_id_token.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub fix-id-token`, or `pipx install trustpub` and then `trustpub fix-id-token`")
launch("fix-id-token", prog="fix_id_token.py")
