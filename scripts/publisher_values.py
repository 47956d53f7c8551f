#!/usr/bin/env python3
"""`trustpub publisher-values`: print the values PyPI's publisher form needs. The code is src/trustpub/commands/publisher_values.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("publisher_values.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub publisher-values`, or `pipx install trustpub` and then `trustpub publisher-values`")
launch("publisher-values", prog="publisher_values.py")
