"""The diagnosis of a failed Trusted Publishing release from its log.

The package, one idea per module:

- `model`: a case of the table (`Message`: pattern, example, cause, fix, command or page section);
- `table` (over `table_exchange`, `table_upload`, `table_metadata`, `table_files` and
  `table_auth`): `MESSAGES`, the one table the tool matches
  and the troubleshooting page renders, so the page and the tool cannot disagree;
- `normalise`: a pasted log as a reader sees it (timestamps, `##[error]`, ANSI colours, Markdown
  quotes and list markers, link markup, rich's line wraps);
- `claims`: the OIDC token's claims (the action's bullets, uv's `…TokenClaims { … }`, every `sub`
  format) and the publisher values they call for;
- `index`: which index the failed upload went to, from every clue, or None;
- `ranking`: `diagnose()`, every case in the log with the most specific first;
- `report`: the `--json` payload (`report()`), the comparison with a configuration, the docs' example log;
- `page`: the troubleshooting page's sections.

Standard library only (with trustpub.config): it also runs in the browser under Pyodide.
"""

from __future__ import annotations

from trustpub.diagnose.claims import (CLAIM_KEYS, PublisherValues, extract_claims, parse_sub,
                                      publisher_from_claims, split_immutable)
from trustpub.diagnose.index import IndexGuess, index_from_log, infer_index
from trustpub.diagnose.model import Message, script_of
from trustpub.diagnose.normalise import flatten, normalise_log, where_from
from trustpub.diagnose.page import code_block, render_troubleshooting_markdown
from trustpub.diagnose.ranking import Diagnosis, diagnose
from trustpub.diagnose.report import (ACTION_DEFAULT_REPOSITORY_URL, GUIDE_SITE_URL, INDEX_LABELS, PYPI_TROUBLESHOOTING_URL,
                                      TROUBLESHOOTING_PAGE_URL, Row, compare, example_log, guide_url, index_links,
                                      report)
from trustpub.diagnose.table import MESSAGES, MESSAGES_BY_ID

TROUBLESHOOTING_DOC = "/trusted-publishers/troubleshooting/"

__all__ = [
    "ACTION_DEFAULT_REPOSITORY_URL", "CLAIM_KEYS", "GUIDE_SITE_URL", "guide_url", "INDEX_LABELS", "Diagnosis", "IndexGuess", "MESSAGES", "MESSAGES_BY_ID", "Message",
    "PYPI_TROUBLESHOOTING_URL", "PublisherValues", "Row", "TROUBLESHOOTING_DOC", "TROUBLESHOOTING_PAGE_URL",
    "code_block", "compare", "diagnose", "example_log", "extract_claims", "flatten", "index_from_log", "index_links",
    "infer_index", "normalise_log", "parse_sub", "publisher_from_claims", "render_troubleshooting_markdown",
    "report", "script_of", "split_immutable", "where_from",
]
