"""The upload: what PyPI's upload endpoint and twine refuse, and what stops the action before it.

Texts from warehouse (`warehouse/forklift/legacy.py`, `forklift/metadata.py`,
`packaging/services.py`, `accounts/security_policy.py`, `macaroons/security_policy.py`,
`forklift/decorators.py`), twine, and pypa/gh-action-pypi-publish (`attestations.py`,
`action.yml`).
"""

from __future__ import annotations

from trustpub.diagnose.model import Message

ACTION = "pypa/gh-action-pypi-publish"
UPLOAD = "PyPI upload endpoint (via twine, the action or `uv publish`)"
TWINE = "twine (`twine check` or `twine upload`, also inside the publish action)"
GITHUB = "GitHub Actions"
ACTION_FIX_PIN = "v1.14.2 (commit `dc37677b2e1c63e2034f94d8a5b11f265b73ba33`)"

ATTESTATION_CASES: list[Message] = [
    # -- PEP 740 attestations ---------------------------------------------------------------
    Message(
        id="attestation-exists",
        title="Attestation generation failure: already has a publish attestation",
        # Older releases: `… already has a publish attestation: …`; newer list them all:
        # `The following distributions already have publish attestations: * … -> ….publish.attestation`.
        pattern=r"already has a publish attestation|already have publish attestations",
        example=("Error: Attestation generation failure: /github/workspace/dist/widget-1.0.0.tar.gz already has a "
                 "publish attestation: /github/workspace/dist/widget-1.0.0.tar.gz.publish.attestation"),
        cause=("Two uploads ran in the same job (typically TestPyPI, then PyPI). The first one wrote "
               "`dist/*.publish.attestation` files next to the distributions; the second finds them and refuses "
               "to sign again. Nothing is wrong with the publisher."),
        fix=("Upload to each index from its own job (each downloads the build artifact afresh: the guide's "
             "layout); or delete the attestation files between the two steps (`rm dist/*.publish.attestation`); "
             "or set `attestations: false` on the first (TestPyPI) upload only. The last keeps the PyPI "
             "attestations but leaves the TestPyPI files unsigned, so the test upload no longer tests signing. "
             "Do not switch attestations off for the PyPI upload."),
        section="attestations.md", source=ACTION, rank=95,
    ),
    Message(
        id="attestation-invalid",
        title="400 Invalid attestations supplied during upload",
        pattern=r"Invalid attestations supplied during upload",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Invalid attestations supplied during upload: Could not verify the uploaded artifact "
                 "using the included attestation: Verification failed"),
        cause=("PyPI checked the attestations against the trusted publisher and refused them. The reason follows "
               "the colon. Most likely the signing identity does not match the publisher: the upload runs in a "
               "reusable workflow (the certificate names the called file), or a publisher of another workflow was "
               "used. Less often a PyPI-side problem (an `Unknown error while trying to verify` with an "
               "extension or OID name has been one, fixed on PyPI)."),
        fix=("Publish from the workflow file the publisher names, in a job of its own. When the text after the "
             "colon names an unknown error inside PyPI, re-run later or report it to pypi/warehouse; "
             "`attestations: false` gets the release out meanwhile, without attestations."),
        section="attestations.md", source=UPLOAD, rank=90,
    ),
    Message(
        id="attestation-not-a-file",
        title="Path looks like a distribution but is not a file",
        pattern=r"Path looks like a distribution but is not a file",
        example=("Error: Attestation generation failure: Path looks like a distribution but is not a file: "
                 "/github/workspace/dist/widget-1.0.0-py3-none-any.whl"),
        cause=("`packages-dir` holds a directory whose name ends like a distribution, e.g. `dist/widget.whl/` "
               "made by downloading artifacts into per-artifact folders; some action releases also took such "
               "paths for distributions."),
        fix=("Download all artifacts into one flat folder (`download-artifact` with `merge-multiple: true` and "
             "one `path: dist`), and use a current release of the action."),
        command="fix-action-ref", source=ACTION, rank=85,
    ),
]


# Authentication, refusals of the whole upload, and the runner.
UPLOAD_CASES: list[Message] = [
    # -- Authentication ------------------------------------------------------------------------
    Message(
        id="invalid-auth",
        title="403 Invalid or non-existent authentication information",
        pattern=r"Invalid or non-existent authentication information",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         Invalid or non-existent authentication information. "
                 "See https://pypi.org/help/#invalid-auth for more information."),
        cause=("An API token was used instead of Trusted Publishing, and the index rejected it (revoked, "
               "expired, for the other index, or mistyped): a `password:` input in the workflow, or "
               "`TWINE_PASSWORD` / `UV_PUBLISH_TOKEN` in the job. A token that is right where you set it can "
               "still be the wrong one in the job: a repository secret overrides an organisation secret of the "
               "same name."),
        fix=("Drop the token path in the workflow: remove the `password:` input (and `TWINE_PASSWORD`) so the "
             "action uses Trusted Publishing, grant `id-token: write` and register the publisher."),
        command="harden-workflow", source=UPLOAD,
        local_fix=("The token in `~/.pypirc` (or `TWINE_PASSWORD`) is revoked or for the other index: publish "
                   "through the workflow instead, and remove the old token from `.pypirc`."),
        local_command="scrub-pypirc",
    ),
    Message(
        id="invalid-api-token",
        title="403 Invalid API Token",
        pattern=r"Invalid API Token: ",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         Invalid API Token: InvalidMacaroonError('invalid macaroon signature')"),
        cause=("The password is shaped like a PyPI token but PyPI cannot accept it: revoked, truncated or broken "
               "by a newline when copied (`signatures do not match`), made on the other index (TestPyPI and PyPI "
               "tokens differ), or scoped to another project (`project-scoped token is not valid for project …`). "
               "When a token that worked yesterday fails with a text PyPI itself garbles (`invalid macaroon!r`, "
               "September 2020), it is PyPI's fault: check https://status.python.org/ and pypi/warehouse's issues. "
               "The action's `POTENTIALLY INVALID TOKEN` warning means the value does not even start with `pypi-`."),
        fix=("Use Trusted Publishing: remove the `password:` input and the token secret. To keep a token, "
             "create a new one on the index the upload goes to and paste it whole."),
        command="harden-workflow", source=UPLOAD,
        local_fix=("Create a new token on the index you upload to, or publish through the workflow with Trusted "
                   "Publishing; remove the dead token from `.pypirc`."),
        local_command="scrub-pypirc",
    ),
    Message(
        id="username-password",
        title="Username/Password authentication is no longer supported",
        pattern=r"Username/Password authentication is no longer supported",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         Username/Password authentication is no longer supported. Migrate to API\n"
                 "         Tokens or Trusted Publishers instead. See https://pypi.org/help/#apitoken and\n"
                 "         https://pypi.org/help/#trusted-publishers"),
        cause=("The upload sent an account name and password: the action's `user:` input (or `TWINE_USERNAME`) "
               "is set to an account name instead of `__token__`, with a password."),
        fix="Remove the `user:` and `password:` inputs and publish with Trusted Publishing.",
        command="harden-workflow", source=UPLOAD,
        local_fix="Use `__token__` as the user name with an API token, or publish through the workflow.",
        local_command="scrub-pypirc",
    ),
    Message(
        id="unverified-email",
        title="does not have a verified primary email address",
        pattern=r"does not have a verified primary email address",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         User 'alice' does not have a verified primary email address. Please add a verified "
                 "primary email before attempting to upload to PyPI. See https://pypi.org/help/#verified-email "
                 "for more information."),
        cause=("The upload was made with the API token of an account whose primary email address is not "
               "verified (often a maintainer's old token still in the repository's secrets); PyPI refuses "
               "uploads from such accounts."),
        fix=("Publish with Trusted Publishing (no account's token is involved: remove the `password:` input and "
             "register the publisher), or have the token's owner verify the primary email in the account "
             "settings."),
        command="harden-workflow", source=UPLOAD, rank=80,
        local_fix="Verify your account's primary email address on the index, then upload again.",
    ),
    Message(
        id="no-two-factor",
        title="does not have two-factor authentication enabled",
        pattern=r"does not have two-factor authentication enabled",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         User 'alice', associated with the API token used, does not have two-factor\n"
                 "         authentication enabled. Please enable two-factor authentication before attempting\n"
                 "         to upload to PyPI. See https://pypi.org/help/#two-factor-authentication for more\n"
                 "         information."),
        cause=("The upload used the API token of an account without two-factor authentication; PyPI refuses "
               "uploads from such accounts (often an old token of a maintainer, still in the repository's "
               "secrets)."),
        fix=("Publish with Trusted Publishing (remove the `password:` input and register the publisher: no "
             "account's token is involved), or have the token's owner enable two-factor authentication."),
        command="harden-workflow", source=UPLOAD, rank=80,
        local_fix="Enable two-factor authentication on your account on the index, then upload again.",
    ),
    Message(
        id="credential-not-found",
        title="NonInteractive: Credential not found",
        pattern=r"Credential not found for (?:API token|password|username)",
        example="ERROR    NonInteractive: Credential not found for API token.",
        cause=("twine ran with `--non-interactive` (or `TWINE_NON_INTERACTIVE`) and found no token: the secret "
               "meant for `TWINE_PASSWORD` is empty or not passed to this step's `env:`, and Trusted Publishing "
               "was not possible (twine 6.1 and later try it for `__token__` on PyPI, which needs "
               "`id-token: write`)."),
        fix=("Use the publish action (or `uv publish`) with Trusted Publishing: grant `id-token: write` to the "
             "job and register the publisher. To keep a token, pass it in the step's `env:` "
             "(`TWINE_PASSWORD: ${{ secrets.… }}`)."),
        command="harden-workflow", source=TWINE, rank=60,
        local_fix="Set `TWINE_PASSWORD` (or a `.pypirc` entry), or run without `--non-interactive` to be asked.",
        local_command=None,
    ),
    Message(
        id="non-user-new-project",
        title="Non-user identities cannot create new projects",
        pattern=r"Non-user identities cannot create new projects",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Non-user identities cannot create new projects. This was probably caused by "
                 "successfully using a pending publisher but specifying the project name incorrectly (either "
                 "in the publisher or in your project's metadata). Please ensure that both match. "
                 "See: https://docs.pypi.org/trusted-publishers/troubleshooting/"),
        cause=("A trusted publisher's token may upload to projects that exist, not create one. In order of "
               "likelihood: (1) no pending publisher exists for this project name on this index: the token came "
               "from a publisher of another project (often a second package of a monorepo published by the same "
               "workflow), or the pending publisher is on the other index; (2) a pending publisher exists but "
               "its project name differs from `[project].name` (PyPI's \"probably\"): the exchange then created "
               "an empty project under the publisher's name. To tell them apart, look at your account's "
               "publishing page and your projects: an empty project with the publisher's name means (2); no "
               "pending publisher for the name in the error's distribution means (1)."),
        fix=("Register a pending publisher for exactly the distribution's name (names compare after "
             "normalisation: case and `-`/`_`/`.` do not matter) on the index the upload goes to; for (2) also "
             "delete the wrongly named empty project."),
        command="publisher-values", source=UPLOAD, rank=80,
    ),
    Message(
        id="not-allowed-project",
        title="isn't allowed to upload to project",
        # Older warehouse (and twine 1.x through it): `You are not allowed to upload to 'example-project'.`
        pattern=r"isn't allowed to upload to project|You are not allowed to upload to '[^']+'",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         The user 'alice' isn't allowed to upload to project 'example-project'. "
                 "See https://pypi.org/help/#project-name for more information."),
        cause=("The credential belongs to another project or account: a token scoped to a different project, "
               "a publisher registered on another project, or a project name on the index that is not yours. "
               "With Trusted Publishing the text is `The given token isn't allowed to upload to project …`; "
               "older PyPI said `You are not allowed to upload to '…'`."),
        fix=("Register the publisher on this very project (its publishing settings), or pick a project name "
             "you own."),
        command="publisher-values", source=UPLOAD, rank=75,
    ),
    Message(
        id="read-only",
        title="403 Read-only mode: Uploads are temporarily disabled",
        # Also PyPI's admin switch during an incident: `New uploads are temporarily disabled. See …#admin-intervention`,
        # and `New project registration temporarily disabled.` for new projects.
        pattern=r"Read-only mode: Uploads are temporarily disabled|New uploads are temporarily disabled"
                r"|New project registration temporarily disabled",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         Read-only mode: Uploads are temporarily disabled."),
        cause=("PyPI is in maintenance (read-only), or its administrators switched uploads (or new projects) off "
               "during an incident (`New uploads are temporarily disabled`, "
               "`New project registration temporarily disabled`); nothing in your setup."),
        fix="Wait until https://status.python.org/ shows PyPI back, then re-run the failed job.",
        source=UPLOAD, rank=90,
    ),
    Message(
        id="organization-inactive",
        title="Organization account owning this project is inactive",
        pattern=r"Organization account owning this project is inactive",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Organization account owning this project is inactive. This may be due to inactive\n"
                 "         billing for Company Organizations, or administrator intervention for Community\n"
                 "         Organizations. Please contact support+orgs@pypi.org."),
        cause=("The project belongs to a PyPI organisation that is not in good standing: a company "
               "organisation's billing lapsed, or PyPI's administrators suspended a community organisation. "
               "Nothing in the workflow."),
        fix="An owner of the organisation settles its billing, or writes to support+orgs@pypi.org.",
        source=UPLOAD, rank=85,
    ),
    Message(
        id="too-many-new-projects",
        title="429 Too many new projects created",
        pattern=r"Too many new projects created",
        example=("ERROR    HTTPError: 429 Too Many Requests from https://upload.pypi.org/legacy/\n"
                 "         Too many new projects created"),
        cause=("The account (or pending publishers of one account) created more new projects in a short time "
               "than PyPI's rate limit allows; the first upload of a project creates it."),
        fix="Wait (the limit resets within hours) and re-run the failed job; upload existing projects meanwhile.",
        source=UPLOAD, rank=80,
    ),
    Message(
        id="wrong-upload-url",
        title="The repository URL is not the index's upload URL",
        # twine's RedirectDetected and its 405/410 hints; uv's 405 text; PyPI's 308 for `/legacy`.
        pattern=(r"attempted to redirect to|Your repository URL is missing a trailing slash"
                 r"|you're trying to upload to pypi\.org but have an invalid URL"
                 r"|you're uploading to pypi\.python\.org|POST requests are not supported by the endpoint"
                 r"|expected upload URL is /legacy/|HTTPError: 405 Method Not Allowed"),
        example=("ERROR    https://test.pypi.org/legacy attempted to redirect to\n"
                 "         https://test.pypi.org/legacy/.\n"
                 "         Your repository URL is missing a trailing slash. Please add it and try again."),
        cause=("The upload goes to a URL that is not the index's upload endpoint: `/legacy` without the "
               "trailing slash, the simple index (`https://test.pypi.org/simple/`) or a project page instead "
               "of `https://test.pypi.org/legacy/`, or the retired `pypi.python.org`. twine then reports a "
               "redirect, a 405, or a 410; uv asks whether it is the simple index URL."),
        fix=("Set the upload URL exactly: `repository-url: https://test.pypi.org/legacy/` for TestPyPI; for PyPI "
             "leave `repository-url` out (the default is `https://upload.pypi.org/legacy/`)."),
        section="test-tag.md", source=TWINE, rank=70,
    ),
    Message(
        id="bad-request",
        title="400 Bad Request with no reason shown",
        # twine prints the index's reason after the URL; a bare refusal repeats only `Bad Request`.
        # Some indexes start their reason with it (`Bad Request - The email '…' is invalid`): not bare.
        # twine 1.x put the reason between `Client Error:` and `for url:`; bare, it is `Bad Request`.
        pattern=(r"HTTPError: 400 Bad Request from \S+(?: Bad Request\b(?! -)|\s*$| Error: Process completed| ```)"
                 r"|HTTPError: 400 Client Error: Bad Request for url:"),
        example=("WARNING  Error during upload. Retry with the --verbose option for more details.\n"
                 "ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Bad Request"),
        cause=("PyPI refused the upload and the log shows no reason after the URL (only `Bad Request`): the "
               "reason is in the response body, which twine prints with `--verbose`."),
        fix=("Set `verbose: true` (and `print-hash: true`, to see which files were sent) on the publish step and "
             "re-run; PyPI's reason then appears under this line. Paste that log into `trustpub diagnose`."),
        source=UPLOAD, generic=True,
    ),
    # -- Runners ------------------------------------------------------------------------------
    Message(
        id="container-not-linux",
        title="Container action is only supported on Linux",
        pattern=r"Container action is only supported on Linux",
        example="Error: Container action is only supported on Linux",
        cause=("The publish action runs in a Docker container, so only on Linux, and the job runs on a Windows or "
               "macOS runner. Current releases stop with `This action is only able to run under GNU/Linux "
               "environments`."),
        fix=("Run the publish job on `ubuntu-latest` (or a pinned `ubuntu-24.04`); build wheels for other "
             "systems in other jobs and pass them on as an artifact."),
        section="wheels.md", source=GITHUB,
    ),
    Message(
        id="action-not-linux",
        title="This action is only able to run under GNU/Linux environments",
        pattern=r"only able to run under GNU/Linux environments",
        example="This action is only able to run under GNU/Linux environments",
        cause="The publish job runs on a Windows or macOS runner; the action needs Linux with Docker.",
        fix=("Build on any system, upload the files as an artifact, and publish from one job on `ubuntu-latest`."),
        section="wheels.md", source=ACTION, rank=60,
    ),
    Message(
        id="self-hosted-runner",
        title="The action on a self-hosted runner or inside another action",
        pattern=r"create-docker-action\.py'?:? \[Errno 2\] No such file or directory|(?<![\w/])python3?: command "
                r"not found",
        requires=r"gh-action-pypi-publish",
        example=("Run pypa/gh-action-pypi-publish@release/v1\n"
                 "/usr/bin/python3: can't open file '/home/runner/work/_actions/pypa/gh-action-pypi-publish/"
                 "release/v1/create-docker-action.py': [Errno 2] No such file or directory"),
        cause=("Since v1.12 the action is a composite action that first runs a Python script on the runner to "
               "build its container. It fails when called from inside another composite action (the action's "
               "own files are then not where it looks), or on a self-hosted runner without `python` on the PATH "
               "or without Docker."),
        fix=("Call the action directly as a step of the publishing job (not from a composite action), on a "
             "GitHub-hosted `ubuntu-latest` runner, or give the self-hosted runner Python and Docker."),
        section="workflow.md", source=ACTION, rank=60,
    ),
]
