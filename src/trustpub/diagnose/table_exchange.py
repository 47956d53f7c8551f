"""The token exchange: the OIDC token, the publisher match, and the index's answer.

Texts from pypa/gh-action-pypi-publish (`oidc-exchange.py`, `twine-upload.sh`),
PyPI's `/_/oidc/mint-token` view (warehouse `warehouse/oidc/views.py`) and
`uv publish` (`crates/uv-publish/src/trusted_publishing.rs`).
"""

from __future__ import annotations

from trustpub.config import UPLOAD_URLS
from trustpub.diagnose.model import Message
from trustpub.diagnose.sources import ACTION, WAREHOUSE, UV, GITHUB


# GitHub gave the job no OIDC token. twine 6.1+: `Unable to retrieve an OIDC token from the CI platform for
# trusted publishing …`; the action v1.8.0-v1.8.4: `OIDC token retrieval failed`; actions/toolkit's
# `getIDToken` (attest-build-provenance and other actions): `Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable`.
NO_OIDC_TOKEN = (r"OpenID Connect token retrieval failed|Unable to retrieve an OIDC token from the CI platform"
                 r"|OIDC token retrieval failed|Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable")

EXCHANGE: list[Message] = [
    Message(
        id="exchange-failure",
        title="Trusted publishing exchange failure",
        # twine 6.1+ exchanges the token itself: `The token request failed; the index server gave the following reasons`.
        # v1.8.0-v1.8.4 (2023): `OIDC exchange failure:` / `Trusted publisher (OIDC) exchange failure:`.
        pattern=(r"Trusted publishing exchange failure|the server refused the request for the following reasons"
                 r"|(?:Trusted publisher \(OIDC\)|OIDC) exchange failure"
                 r"|The token request failed; the index server gave the following reasons"
                 r"|This generally indicates a trusted publisher configuration error"),
        example="Error: Trusted publishing exchange failure:",
        cause=("The publish action could not swap the job's OIDC token for a short-lived upload token. "
               "This line only wraps the real reason, which the action prints right after it "
               "(a missing `id-token: write`, a publisher that does not match, …). When the index refused the "
               "token (`This generally indicates a trusted publisher configuration error`), the reason is most "
               "often `invalid-publisher`: no publisher on that index matches the workflow."),
        fix=("Read the lines after it, or paste the whole log into `trustpub diagnose`. When the log shows nothing "
             "more, compare the publisher registered on the index with the values derived from the repository."),
        command="publisher-values", source=ACTION, generic=True,
    ),
    Message(
        id="empty-token-secret",
        title="The token secret is empty, so the action tried Trusted Publishing",
        pattern=r"^\s*password:\s*$",
        requires=(r"due to __token__ username with no supplied password field|Trusted publishing exchange failure"
                  r"|Attempting to perform OIDC credential exchange|OIDC exchange failure"),
        on_lines=True, rank=95,  # the refusal that follows is its consequence
        example=("Run pypa/gh-action-pypi-publish@release/v1\n"
                 "  with:\n"
                 "    user: __token__\n"
                 "    password: \n"
                 "Attempting to perform trusted publishing exchange to retrieve a temporary short-lived API token "
                 "for authentication against https://upload.pypi.org/legacy/ due to __token__ username with no "
                 "supplied password field"),
        cause=("The workflow passes `password: ${{ secrets.… }}`, but that secret is empty or not available to this "
               "job (misspelt, an environment secret of another environment, or a run from a fork), so the action "
               "fell back to Trusted Publishing, which is not set up. The error after this notice is the "
               "Trusted Publishing one."),
        fix=("Choose one path. Trusted Publishing (recommended): remove the `password:` input, grant "
             "`id-token: write` to the job and register the publisher. Or keep the token: fix the secret's name "
             "and where it is defined."),
        command="harden-workflow", source=ACTION,
    ),
    Message(
        id="token-fallback-notice",
        title="No password given, so the action tried Trusted Publishing",
        # v1.8.0-v1.8.4: `Attempting to perform OIDC credential exchange to retrieve a temporary … token`.
        pattern=(r"due to __token__ username with no supplied password field|Attempting to perform OIDC credential exchange"
                 # twine-upload.sh's `EMPTY TOKEN` warning.
                 r"|you have not passed a password or it is otherwise empty"),
        unless=(r"invalid-publisher|invalid-pending-publisher|invalid-token|invalid-payload|not-enabled|invalid-reuse-token"
                r"|(?:OpenID Connect|OIDC) token retrieval failed|audience retrieval failed|the index produced an unexpected"
                r"|the index gave us an invalid response"),
        rank=30,
        example=("Notice: Attempting to perform trusted publishing exchange to retrieve a temporary short-lived API "
                 "token for authentication against https://test.pypi.org/legacy/ due to __token__ username with no "
                 "supplied password field"),
        cause=("The action received no `password:`, so it attempted Trusted Publishing; the log shows no reason for "
               "the failure that followed. In order of likelihood: (1) the workflow meant to upload with an API "
               "token, but `password: ${{ secrets.… }}` is empty for this job (a misspelt secret, a secret of an "
               "environment the job does not declare, a run from a fork); (2) Trusted Publishing was meant, and the "
               "index's reason is further down the full log. To tell them apart: look for a `password:` input in the "
               "workflow's publish step."),
        fix=("For (1) use Trusted Publishing instead (remove `password:`, grant `id-token: write`, register the "
             "publisher), or fix the secret; for (2) paste the whole failed step's log into `trustpub diagnose`."),
        command="harden-workflow", source=ACTION,
    ),
    Message(
        id="password-disables-trusted-publishing",
        title="An explicit password disables Trusted Publishing",
        pattern=r"an explicit password was also set, disabling Trusted Publishing",
        rank=10,
        example=("Warning: The workflow was run with the 'attestations: true' input, but an explicit password was "
                 "also set, disabling Trusted Publishing. As a result, the attestations input is ignored."),
        cause=("The publish step passes `password:` (an API token), so the action uploads with that token, not "
               "with Trusted Publishing, and makes no attestations. When the upload then fails with a 403, the "
               "token is the cause (expired, revoked, for the other index, or its secret renamed)."),
        fix=("Move to Trusted Publishing: register the publisher (the warning prints the exact link to PyPI's "
             "form), then remove the `password:` input and grant `id-token: write`; delete the token afterwards."),
        command="harden-workflow", source=ACTION,
    ),
    Message(
        id="oidc-permissions",
        title="OpenID Connect token retrieval failed",
        pattern=NO_OIDC_TOKEN,
        unless=r"pull request on a fork",
        example=("Error: Trusted publishing exchange failure:\n"
                 "OpenID Connect token retrieval failed: GitHub: missing or insufficient OIDC token permissions, "
                 "the ACTIONS_ID_TOKEN_REQUEST_TOKEN environment variable was unset\n\n"
                 "This generally indicates a workflow configuration error, such as insufficient\n"
                 "permissions. Make sure that your workflow has `id-token: write` configured\n"
                 "at the job level, e.g.:"),
        cause=("GitHub gave the job no OIDC token: the publishing job lacks `permissions: id-token: write` "
               "(a job-level `permissions:` block replaces the workflow's, so a grant at the top does not "
               "reach a job that has its own block), or the run is for a pull request from a fork, which never "
               "gets one. The action's attestation step prints the same text (`Attestation generation failure: "
               "OpenID Connect token retrieval failed`); other actions that ask for the token (e.g. "
               "`actions/attest-build-provenance`) say `Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env "
               "variable`. If the step has a "
               "`password:` input, the notice `__token__ username with no supplied password field` above means "
               "that secret was empty for this run (a fork or Dependabot run, a misspelt secret)."),
        fix=("Grant `id-token: write` on the publishing job only, and remove it from the workflow level and other "
             "jobs. With a `password:` input meant to be used: make the secret available, or skip the upload "
             "when it is empty."),
        command="fix-id-token", source=ACTION, rank=60,
    ),
    Message(
        id="no-password-no-oidc-token",
        title="No password and no OIDC token: Trusted Publishing without `id-token: write`, or an empty token secret",
        # The fallback notice (v1.8.x and the `due to __token__` wording after it) is printed on every Trusted
        # Publishing run of those versions, so it says only that no password reached the action.
        pattern=NO_OIDC_TOKEN,
        requires=r"due to __token__ username with no supplied password field|Attempting to perform OIDC credential exchange",
        # The step's `with:` block in the paste settles it: an empty `password:` line is empty-token-secret,
        # no `password:` line at all is a Trusted Publishing run without the permission (oidc-permissions).
        unless=r"pull request on a fork|Run pypa/gh-action-pypi-publish@\S+ with:",
        rank=65,  # before oidc-permissions: the same refusal, read with the notice above it
        example=("Notice: Attempting to perform OIDC credential exchange to retrieve a temporary short-lived API "
                 "token for authentication against https://upload.pypi.org/legacy/\n"
                 "Error: OIDC exchange failure:\n"
                 "OIDC token retrieval failed: GitHub: missing or insufficient OIDC token permissions, the "
                 "ACTIONS_ID_TOKEN_REQUEST_TOKEN environment variable was unset"),
        cause=("No `password:` reached the action, so it tried Trusted Publishing, and GitHub gave the job no OIDC "
               "token. Two readings, in order of likelihood: (1) Trusted Publishing is meant, and the publishing "
               "job lacks `permissions: id-token: write` (a job-level `permissions:` block replaces the "
               "workflow's); (2) the workflow passes `password: ${{ secrets.… }}` to upload with an API token, and "
               "that secret is empty for this run (misspelt, defined in an environment the job does not declare, "
               "or not given to runs from forks and Dependabot), so the action fell back to Trusted Publishing "
               "without saying so. To tell them apart: does the publish step have a `password:` input?"),
        fix=("For (1) grant `id-token: write` on the publishing job and register the publisher. For (2) either "
             "move to Trusted Publishing (remove `password:`, then as in (1)), or make the secret available to "
             "this job and skip the upload when it is empty."),
        command="fix-id-token", source=ACTION,
    ),
    Message(
        id="caller-lacks-id-token",
        title="The nested job is requesting 'id-token: write', but is only allowed 'id-token: none'",
        pattern=r"The nested job '[^']+' is requesting 'id-token: write', but is only allowed 'id-token: none'",
        example=("The workflow is not valid. .github/workflows/release.yml (Line: 24, Col: 3): Error calling workflow "
                 "'octo-org/widget/.github/workflows/publish.yml@refs/tags/v1.0.0'. The nested job 'pypi' is "
                 "requesting 'id-token: write', but is only allowed 'id-token: none'."),
        cause=("The upload runs in a reusable workflow whose job asks for `id-token: write`, and the job that calls "
               "it does not grant it: a called workflow never gets more permissions than its caller, so GitHub "
               "rejects the whole run before any job starts."),
        fix=("Grant `id-token: write` on the calling job (the one with `uses: ./.github/workflows/….yml`), or in "
             "the caller's workflow-level `permissions:`. The publisher on PyPI names the called file."),
        command="fix-id-token", section="publisher.md#reusable-workflows", source=GITHUB, rank=75,
    ),
    Message(
        id="oidc-fork-pr",
        title="No OIDC token in a pull request from a fork",
        pattern=r"called from a pull request on a fork",
        example=("OpenID Connect token retrieval failed: GitHub: missing or insufficient OIDC token permissions, "
                 "the ACTIONS_ID_TOKEN_REQUEST_TOKEN environment variable was unset\n\n"
                 "The workflow context indicates that this action was called from a\n"
                 "pull request on a fork. GitHub doesn't give these workflows OIDC permissions,\n"
                 "even if `id-token: write` is explicitly configured."),
        cause="The publish step ran for a pull request from a fork; GitHub never gives those runs an OIDC token.",
        fix=("Publish only on events a fork cannot trigger: a pushed tag (as the guide's workflow does), "
             "a published release, or a manual `workflow_dispatch`."),
        section="workflow.md", source=ACTION, rank=70,
    ),
    Message(
        id="claims-without-reason",
        title="The token's claims, without the index's answer (most often: no matching publisher)",
        # Recognised from the claims when nothing else in the paste says why the exchange failed.
        pattern=r"(?!)",
        example=("* `sub`: `repo:octo-org/widget:environment:pypi`\n"
                 "* `repository`: `octo-org/widget`\n"
                 "* `repository_owner`: `octo-org`\n"
                 "* `workflow_ref`: `octo-org/widget/.github/workflows/release.yml@refs/heads/main`\n"
                 "* `job_workflow_ref`: `octo-org/widget/.github/workflows/release.yml@refs/heads/main`\n"
                 "* `environment`: `pypi`"),
        cause=("The paste has the token's claims, which the publish action (and `uv publish`) prints only after "
               "the index refused the exchange, but not the reason the index gave. By far the most common one is "
               "`invalid-publisher`: no publisher on that index matches these values (not registered yet, "
               "registered on the other index, another workflow file name or environment)."),
        fix=("Register (or correct) the publisher with exactly the values derived from these claims, on the index "
             "the upload goes to; the reason printed above the claims in the full log confirms which case it is."),
        command="publisher-values", source=ACTION, rank=30,
    ),
    Message(
        id="reusable-workflow-claims",
        title="invalid-publisher from a reusable workflow",
        # Recognised from the claims (job_workflow_ref names another file than workflow_ref), not a text.
        pattern=r"(?!)",
        example=("* `invalid-publisher`: valid token, but no corresponding publisher (All lookup strategies "
                 "exhausted)\n\n"
                 "* `sub`: `repo:octo-org/widget:ref:refs/tags/v1.0.0`\n"
                 "* `repository`: `octo-org/widget`\n"
                 "* `workflow_ref`: `octo-org/widget/.github/workflows/release.yml@refs/tags/v1.0.0`\n"
                 "* `job_workflow_ref`: `octo-org/widget/.github/workflows/publish.yml@refs/tags/v1.0.0`"),
        cause=("The upload runs in a reusable workflow (`workflow_call`): `workflow_ref` names the workflow the tag "
               "started, `job_workflow_ref` the called one that uploads. PyPI matches `job_workflow_ref` against "
               "the publisher's workflow file, with owner and repository from the caller; a publisher that names "
               "the calling file does not match. A reusable workflow from another repository cannot match at all "
               "(warehouse#16364). PyPI's own troubleshooting page still says reusable workflows are not supported "
               "(warehouse#11096)."),
        fix=("Register the called file (the one in `job_workflow_ref`) as the publisher's workflow name; when it "
             "lives in another repository, move the upload job into a workflow of this repository."),
        command="publisher-values", source=WAREHOUSE, rank=90,
    ),
    Message(
        id="invalid-publisher",
        title="invalid-publisher: no corresponding publisher",
        pattern=r"invalid-publisher",
        example=("Token request failed: the server refused the request for the following reasons:\n\n"
                 "* `invalid-publisher`: valid token, but no corresponding publisher "
                 "(Publisher with matching claims was not found)"),
        cause=("The token is genuine, but no trusted publisher on this index matches its claims: the owner, "
               "repository, workflow **file name** or environment differ; or the publisher is on PyPI while the "
               "upload goes to TestPyPI (or the reverse); or the workflow file was renamed; or the upload runs in "
               "a reusable workflow (the publisher must name the called file, and one from another repository "
               "cannot match); or the repository or "
               "its owner was renamed, transferred or re-created (PyPI stores the owner's id). Rarely a passing "
               "fault on GitHub's or PyPI's side: when the registered values match the claims exactly, re-run the "
               "job once before changing anything. Other texts in the parentheses: `All lookup strategies "
               "exhausted`, `Check failed for required claim 'sub'`."),
        fix=("Register (or correct) the publisher with exactly the values in the token's claims, on the index the "
             "upload goes to. `trustpub diagnose` turns the claims printed under the error into those values."),
        command="publisher-values", source=WAREHOUSE, rank=80,
    ),
    Message(
        id="token-refused-reason-not-shown",
        title="The index refused the token; its reason is not in the paste (most often: no matching publisher)",
        pattern=(r"This generally indicates a trusted publisher configuration error"
                 r"|the server refused the request for the following reasons"
                 r"|The token request failed; the index server gave the following reasons"),
        # Any reason code or its text in the paste is a more specific case.
        unless=(r"invalid-publisher|invalid-pending-publisher|invalid-payload|invalid-token|not-enabled"
                r"|invalid-reuse-token|no corresponding publisher|project already exists|malformed JWT"
                r"|unknown trusted publishing issuer|already used|functionality not enabled"
                r"|`[a-z]+(?:-[a-z]+)+`: "),  # a code this table does not know yet
        rank=40,  # any other specific case in the log comes first
        # What such a paste keeps: the wrapper and the closing sentence, the reasons between them left out (…).
        example=("Error: Trusted publishing exchange failure:\n…\n"
                 "This generally indicates a trusted publisher configuration error, but could\n"
                 "also indicate an internal error on GitHub or PyPI's part."),
        cause=("The index answered the token exchange with a refusal, and this sentence follows the list of its "
               "reasons, which the paste leaves out. In order of likelihood: (1) `invalid-publisher`: no publisher "
               "registered on this index matches the workflow (not registered yet, registered on the other index, "
               "a different workflow file name or environment, a reusable workflow); (2) "
               "`invalid-pending-publisher`: a pending publisher whose project name is already taken; (3) a fault "
               "on GitHub's or PyPI's side. The reason is printed just above this sentence in the full log, with "
               "the token's claims under it."),
        fix=("Read the reasons above this sentence in the failed step's log, or paste the whole step into "
             "`trustpub diagnose`: with the claims it derives the exact values the publisher must have. Then "
             "register (or correct) the publisher on the index the upload goes to."),
        command="publisher-values", source=ACTION,
    ),
    Message(
        id="pull-request-target",
        title="Publishing from a workflow invoked via 'pull_request_target' is not supported",
        pattern=r"invoked via 'pull_request_target' is not supported",
        example=("* `invalid-publisher`: valid token, but no corresponding publisher (Publishing from a workflow "
                 "invoked via 'pull_request_target' is not supported.)"),
        cause=("The publishing job ran for a `pull_request_target` event. PyPI refuses tokens from such runs: they "
               "run with the repository's permissions on behalf of a pull request, possibly from a fork."),
        fix=("Publish only on events a pull request cannot trigger: a pushed tag, a published release or "
             "`workflow_dispatch` (the guide's workflow publishes on tags)."),
        section="workflow.md", source=WAREHOUSE, rank=95,
    ),
    Message(
        id="unknown-issuer",
        title="invalid-payload: unknown trusted publishing issuer",
        pattern=r"unknown trusted publishing issuer|JWT issuer '[^']+' does not match expected issuer",
        example="* `invalid-payload`: unknown trusted publishing issuer",
        cause=("The OIDC token comes from an issuer PyPI does not trust. In order of likelihood: (1) a GitHub "
               "Enterprise that switched its Actions tokens to a unique issuer URL "
               "(`https://token.actions.githubusercontent.com/<enterprise>`), or GitHub Enterprise Server; "
               "(2) a CI system PyPI has no Trusted Publishing for. The token's `iss` claim tells them apart."),
        fix=("Publish from github.com with the default issuer (an enterprise owner can switch the unique issuer "
             "URL off), or from a CI system PyPI supports; otherwise upload with a project-scoped API token."),
        source=WAREHOUSE, rank=85,
    ),
    Message(
        id="invalid-reuse-token",
        title="invalid-reuse-token: invalid token: already used",
        pattern=r"invalid-reuse-token|invalid token: already used",
        example="* `invalid-reuse-token`: invalid token: already used",
        cause=("PyPI accepts each OIDC token for one exchange only, and this one had been exchanged before: a "
               "script of your own that fetches the OIDC token once and exchanges it again (a retry, or a second "
               "upload). The publish action and `uv publish` fetch a fresh token for every exchange."),
        fix=("Fetch a new OIDC token for every exchange, or let the publish action (or `uv publish`) do the "
             "exchange; re-run the job."),
        source=WAREHOUSE, rank=80,
    ),
    Message(
        id="invalid-pending-publisher",
        title="invalid-pending-publisher: project already exists",
        pattern=r"invalid-pending-publisher|valid token, but project already exists",
        example="* `invalid-pending-publisher`: valid token, but project already exists",
        cause=("A *pending* publisher matched the token, but a project of that name already exists on the index "
               "(created by an earlier upload, or by someone else). PyPI deletes the stale pending publisher."),
        fix=("Add the publisher in the existing project's own publishing settings (not as a pending publisher), "
             "and remove any leftover pending publisher for the same workflow from your account."),
        command="publisher-values", source=WAREHOUSE, rank=85,
    ),
    Message(
        id="invalid-payload",
        title="invalid-payload: malformed JWT",
        pattern=r"invalid-payload",
        example="* `invalid-payload`: malformed JWT",
        cause="The index could not read the OIDC token that was sent: not a JWT, or truncated on the way.",
        fix="Re-run the job. If it persists, make sure nothing rewrites the token (a custom exchange script, a proxy).",
        source=WAREHOUSE,
    ),
    Message(
        id="invalid-token",
        title="invalid-token: malformed or invalid token",
        pattern=r"`?invalid-token`?: ",
        example="* `invalid-token`: malformed or invalid token",
        cause=("The OIDC token failed verification: expired, signed for another audience (a different index), "
               "or a clock or runner problem."),
        fix="Re-run the job; check that `repository-url` names the index the publisher is registered on.",
        source=WAREHOUSE,
    ),
    Message(
        id="not-enabled",
        title="not-enabled: trusted publishing switched off",
        pattern=r"`not-enabled`|trusted publishing functionality not enabled",
        example="* `not-enabled`: GitHub-based trusted publishing functionality not enabled",
        cause="The index has switched Trusted Publishing off for the moment (an incident or maintenance).",
        fix="Wait and re-run; watch https://status.python.org/.",
        source=WAREHOUSE,
    ),
    Message(
        id="audience-retrieval",
        title="audience retrieval failed",
        pattern=r"audience retrieval failed",
        example=("Trusted publishing exchange failure: audience retrieval failed: repository at "
                 "pkgs.example.com does not indicate trusted publishing support"),
        cause=("`repository-url` points at a host that does not offer Trusted Publishing (a typo, a private "
               "index), or the index answered that it has Trusted Publishing disabled."),
        fix=("Leave `repository-url` out for PyPI; for TestPyPI set it to the index's upload URL "
             f"(`{UPLOAD_URLS['testpypi']}`)."),
        source=ACTION,
    ),
    Message(
        id="index-unexpected-response",
        title="The index gave an unexpected response",
        pattern=(r"Token request failed: the index produced an unexpected|The token-minting request returned invalid JSON"
                 r"|Token response error: the index gave us an invalid response"),
        example=("Token request failed: the index produced an unexpected\n503 response.\n\n"
                 "This strongly suggests a server configuration or downtime issue; wait\n"
                 "a few minutes and try again."),
        cause="The index had trouble (downtime, maintenance); nothing in your setup.",
        fix="Wait a few minutes and re-run the failed job; watch https://status.python.org/.",
        source=ACTION,
    ),
    Message(
        id="reusable-workflow",
        title="Publishing from a reusable workflow",
        # The action's hint, quoted whole or from its middle.
        pattern=(r"the calling workflow is a reusable workflow|Reusable workflows are (?:\*\*)?not currently "
                 r"supported(?:\*\*)? by PyPI|this action was initiated by: .{0,300}? Whereas its parent workflow is"),
        example="The claims in this token suggest that the calling workflow is a reusable workflow.",
        cause=("The publish step runs in a reusable workflow (`workflow_call`). The token then names two "
               "workflows: PyPI matches the called one (`job_workflow_ref`), with owner and repository of the "
               "caller; one from another repository cannot match."),
        fix=("Register the called workflow's file name (the file in `job_workflow_ref`), or run the publish job "
             "in the top-level workflow that the tag triggers and register that file."),
        command="publisher-values", source=ACTION, rank=88,
    ),
    Message(
        id="environment-protection",
        title="Not allowed to deploy due to environment protection rules",
        pattern=r"is not allowed to deploy to \S+ due to environment protection rules",
        example=('Tag "v1.2.3" is not allowed to deploy to pypi due to environment protection rules.\n'
                 "The deployment was rejected or didn't satisfy other protection rules."),
        cause=("The publishing job's GitHub environment only admits some branches or tags (its *Deployment "
               "branches and tags* rule), and the ref the log names is not one of them: the release tag, or "
               "a branch (`Branch \"main\"`) when the run started from one. The job never started."),
        fix=("In Settings → Environments → the environment → Deployment branches and tags, admit the ref the "
             "log names (a tag rule such as `v*`), or start the release from the tag; then re-run the job."),
        source=GITHUB,
    ),
    Message(
        id="uv-token-refused",
        title="uv: trusted publishing not correctly configured",
        pattern=r"is trusted publishing correctly configured\?",
        example=("error: Failed to obtain token for trusted publishing\n"
                 "  Caused by: Server returned error code 422 Unprocessable Entity, is trusted publishing "
                 "correctly configured?"),
        cause=("The index refused uv's token exchange. The `Response:` line after it names the reason "
               "(usually `invalid-publisher`), and uv prints the token's claims. uv before 2026-01-20 wrote "
               "`PyPI returned error code 422 …`; both wordings mean the same."),
        fix="Register the publisher with exactly the values in the printed claims (`trustpub diagnose` derives them).",
        command="publisher-values", source=UV, generic=True,
    ),
    Message(
        id="uv-oidc-permissions",
        title="uv: is the `id-token: write` permission missing?",
        pattern=r"is the `?id-token: write`? permission missing\?",
        example=("error: Failed to obtain token for trusted publishing\n"
                 "  Caused by: Failed to obtain OIDC token: is the `id-token: write` permission missing?"),
        cause="uv found no OIDC token in the job: the job lacks `permissions: id-token: write`.",
        fix="Grant `id-token: write` on the publishing job.",
        command="fix-id-token", source=UV, rank=60,
    ),
    Message(
        id="uv-no-oidc",
        title="uv: no OIDC token discovered",
        pattern=r"No OIDC token discovered",
        example=("error: Failed to obtain token for trusted publishing\n"
                 "  Caused by: No OIDC token discovered: are you in a supported trusted publishing environment?"),
        cause="`uv publish --trusted-publishing always` ran outside a CI job that can mint OIDC tokens (e.g. locally).",
        fix="Publish from the GitHub Actions workflow; locally, there is nothing to exchange.",
        source=UV,
    ),
    Message(
        id="uv-missing-credentials",
        title="uv: Missing credentials for the upload URL",
        pattern=r"Missing credentials for https?://\S*(?:upload\.pypi\.org|test\.pypi\.org)\S*/legacy/?",
        # uv-password-without-username's: a password without a username (in either order in the paste).
        unless=(r"\A(?!.*UV_PUBLISH_USERNAME:\s*\S).*UV_PUBLISH_PASSWORD:\s*(?:\*\*\*|\$\{\{)"
                r"|Attempted to publish with a password, but no username"),
        example=("error: Failed to publish `dist/widget-1.0.0-py3-none-any.whl` to https://upload.pypi.org/legacy/\n"
                 "  Caused by: Failed to send POST request\n"
                 "  Caused by: Missing credentials for https://upload.pypi.org/legacy/"),
        cause=("uv had no credentials and did not get a Trusted Publishing token. In its default "
               "`--trusted-publishing automatic` mode uv tries the exchange only on GitHub Actions and carries on "
               "silently when it fails. Most likely the job lacks `id-token: write` (uv then prints a `Note: "
               "Neither credentials nor keyring are configured…` line above with the reason); or the command ran "
               "outside GitHub Actions (a local shell, another CI); or a token was meant to be used but its "
               "variable is empty."),
        fix=("Grant `id-token: write` to the publishing job and run `uv publish --trusted-publishing always`, "
             "which stops with the real reason instead of this one. With a token, pass it as `UV_PUBLISH_TOKEN`."),
        command="fix-id-token", source=UV, rank=30,
        local_fix=("Locally there is no Trusted Publishing: publish from the workflow, or pass a token with "
                   "`--token` / `UV_PUBLISH_TOKEN`."),
        local_command=None,
    ),
    Message(
        id="uv-mixed-credentials",
        title="… are not allowed when using trusted publishing",
        pattern=r"(?:a username|a password|the keyring)(?: and (?:a password|the keyring))* are not allowed when using "
                r"trusted publishing",
        example="error: a password are not allowed when using trusted publishing",
        cause=("`uv publish --trusted-publishing always` (or `UV_PUBLISH_TRUSTED_PUBLISHING=always`) was given "
               "credentials as well: a username, a password or token (`UV_PUBLISH_TOKEN`, `UV_PUBLISH_PASSWORD`, "
               "often a leftover secret in the job's `env:`) or a keyring provider. uv refuses to choose."),
        fix=("Remove the token/password variables (and `--keyring-provider`) from the publishing step, keeping "
             "`id-token: write` and the registered publisher."),
        command="harden-workflow", source=UV, rank=70,
    ),
    Message(
        id="uv-check-url-credentials",
        title="uv: Failed to query check URL (the check has no credentials)",
        pattern=r"Failed to query check URL",
        rank=75,  # before uv-missing-credentials, whose text its `Caused by:` repeats
        example=("error: Failed to query check URL\n"
                 "  Caused by: Missing credentials for https://pkgs.example.com/repository/pypi/simple/widget/"),
        cause=("Before uploading, `uv publish` asks the index whether each file is already there (`--check-url`, "
               "or the `url` of the `[[tool.uv.index]]` named by `--index`), and that request got no credentials: "
               "the upload's `--username` / `--password` (or token) go to the publish URL only. uv 0.8.14 began "
               "to stop here where earlier releases skipped the check (astral-sh/uv#16236)."),
        fix=("Give the index's read URL credentials of its own (`UV_INDEX_<NAME>_USERNAME` / "
             "`UV_INDEX_<NAME>_PASSWORD` for the `--index` you publish with, or a `.netrc` entry), or publish "
             "without `--check-url` / `--index` (then a re-run may try to re-upload existing files)."),
        source=UV,
    ),
    Message(
        id="uv-password-without-username",
        title="uv: a token in UV_PUBLISH_PASSWORD without a username",
        pattern=r"Attempted to publish with a password, but no username|Missing credentials for https?://",
        # The job log masks the value (`***`); the workflow's YAML names the secret.
        requires=r"UV_PUBLISH_PASSWORD:\s*(?:\*\*\*|\$\{\{)|Attempted to publish with a password, but no username",
        unless=r"UV_PUBLISH_USERNAME:\s*\S",
        example=("  env:\n    UV_PUBLISH_PASSWORD: ***\n"
                 "error: Attempted to publish with a password, but no username. Either provide a username with "
                 "`--username` (`UV_PUBLISH_USERNAME`), or use `--token` (`UV_PUBLISH_TOKEN`) instead of a password."),
        cause=("The PyPI token is given as `UV_PUBLISH_PASSWORD` without `UV_PUBLISH_USERNAME=__token__`. Older uv "
               "then sent no credentials at all and failed with `Missing credentials for …/legacy/`."),
        fix=("Pass the token as `UV_PUBLISH_TOKEN` (or add `UV_PUBLISH_USERNAME: __token__`), or better, drop the "
             "token and use Trusted Publishing (`id-token: write` and a registered publisher)."),
        source=UV, rank=70,
    ),
]
