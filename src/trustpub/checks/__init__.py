"""The executable checklist: every item of the guide's checklist as one function.

`CHECKS` is the ordered registry. Each check has a stable id (`TP105`), a slug
(`id-token-on-publish-job`), a title, the sentence saying what it verifies, the
fix (a script in `scripts/` or a section of the docs) and a group; the
checklist command, the checklist page of the site and the fix scripts' tests
all read this one registry, so they cannot disagree.

The checks live one group per module (`workflow` TP1xx, `multi` TP2xx,
`zizmor_audits` TP3xx, `identity` TP4xx, `versions` TP5xx, `credentials`
TP6xx, `pypi_side` TP7xx, `manual` TP9xx); importing them here, in that
order, registers them in the order the checklist shows.

`run_checks` runs them against a repository (one reading of it: workflows are
parsed once, zizmor runs once, PyPI is asked once) and returns one `Result`
per check (one per audit for zizmor).
"""

from __future__ import annotations

from trustpub.checks.base import (  # noqa: F401
    CHECKS, STATUSES, SCHEMA_ID, GROUPS, RECOMMENDED_REF, MIN_ACTION_VERSION, FULL_SHA_RE,
    LINUX_HOSTED_RE, NON_LINUX_RE, DANGEROUS_TRIGGERS, PYPI_SECRET_RE, BUILD_COMMAND_RE,
    CHECKOUT_ACTION, TEST_TAG_RE, TOKEN_ENV_VARS, ZIZMOR_FAILING, MSG_UNKNOWN_CHECK, MSG_OFFLINE,
    Check, Result, Outcome, passed, failed, warned, skipped, check, get_check, result_by_slug,
    PublishJob, Context,
)
from trustpub.checks.tagfilter import (  # noqa: F401
    pattern_regex, WILDCARD_FILLS, TYPICAL_TAGS, pattern_examples, TagTrigger, tag_trigger,
    first_overlap,
)
from trustpub.checks import workflow  # noqa: F401  (registers its checks)
from trustpub.checks import publish_twine  # noqa: F401  (TP114, after the workflow group's own)
from trustpub.checks import multi  # noqa: F401  (registers its checks)
from trustpub.checks import zizmor_audits  # noqa: F401  (registers its checks)
from trustpub.checks import identity  # noqa: F401  (registers its checks)
from trustpub.checks import versions  # noqa: F401  (registers its checks)
from trustpub.checks import credentials  # noqa: F401  (registers its checks)
from trustpub.checks.credentials import pypirc_path  # noqa: F401
from trustpub.checks import pypi_side  # noqa: F401  (registers its checks)
from trustpub.checks import manual  # noqa: F401  (registers its checks)
from trustpub.checks.running import select_checks, run_checks, summarize, exit_code  # noqa: F401
