#!/usr/bin/env python3
"""`trustpub push-test-tag`: try the setup with a test tag, then clean up. The code is src/trustpub/commands/push_test_tag.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))  # a checkout: run its own code
try:
    from trustpub.commands import launch
except ImportError:
    sys.exit("push_test_tag.py: error: the trustpub toolkit is not installed here: "
             "run `uvx trustpub push-test-tag`, or `pipx install trustpub` and then `trustpub push-test-tag`")
launch("push-test-tag", prog="push_test_tag.py")
