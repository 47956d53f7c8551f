"""The upload: attestations, refusals of the whole upload, and what stops the action before it.

Texts from warehouse (`warehouse/forklift/legacy.py`, `forklift/decorators.py`), twine
(`twine/exceptions.py`, `twine/utils.py`), uv (`crates/uv-publish`) and pypa/gh-action-pypi-publish
(`attestations.py`, `action.yml`). Metadata, files and credentials have modules of their own.
"""

from __future__ import annotations

from trustpub.diagnose.model import Message
from trustpub.diagnose.sources import ACTION, UPLOAD, TWINE, GITHUB


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
        id="attestations-missing",
        title="Upload with attestations requested, but … has no associated attestations",
        pattern=r"Upload with attestations requested, but \S+ has no associated attestations",
        example=("ERROR    InvalidDistribution: Upload with attestations requested, but\n"
                 "         dist/widget-1.0.0.zip has no associated attestations"),
        cause=("`twine upload --attestations` found no `<file>.publish.attestation` next to this distribution. "
               "In order of likelihood: (1) a step of your own passes `--attestations` but nothing made them "
               "(only the publish action, or a signing step of yours, writes them); (2) the file was rebuilt or "
               "renamed after signing, or is a kind the publish action does not sign (it signs `*.whl` and "
               "`*.tar.gz`, not a `.zip` sdist)."),
        fix=("Let the publish action make and upload the attestations (its default with Trusted Publishing), or "
             "drop `--attestations` from your own twine call; build sdists as `.tar.gz`."),
        section="attestations.md", source=TWINE, rank=80,
    ),
    Message(
        id="attestations-unsupported-index",
        title="attestations input ignored: the repository URL does not support PEP 740 attestations",
        pattern=r"the specified repository URL does not support PEP 740 attestations",
        rank=5,  # a notice, harmless by itself: any failure in the log says more
        example=("Warning: The workflow was run with 'attestations: true' input, but the specified repository URL "
                 "does not support PEP 740 attestations. As a result, the attestations input is ignored."),
        cause=("The upload goes to an index other than PyPI or TestPyPI (a private index, a mirror), and the "
               "publish action makes attestations only for those two. Nothing fails because of it."),
        fix=("Nothing to fix; set `attestations: false` on that step to silence it. If the upload failed, the "
             "reason is elsewhere in the log: paste the whole failed step."),
        section="attestations.md", source=ACTION,
    ),
    Message(
        id="attestations-without-trusted-publishing",
        title="Attestations are only supported when using Trusted Publishing",
        pattern=r"Attestations are only supported when (?:> )?using Trusted Publishing",
        rank=95,  # before attestation-invalid, whose wrapper text comes with it
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Invalid attestations supplied during upload: Attestations are only supported when "
                 "using Trusted Publishing"),
        cause=("The upload carried attestations (`twine upload --attestations`, `….publish.attestation` files) "
               "but authenticated with an API token or a password. PyPI takes attestations only from uploads "
               "authenticated by Trusted Publishing, and only from GitHub-based publishers today."),
        fix=("Publish from GitHub Actions with Trusted Publishing: the publish action makes and uploads the "
             "attestations itself. To keep uploading with a token, drop `--attestations` and the attestation "
             "files (the release then has none)."),
        section="attestations.md", source=UPLOAD,
    ),
    Message(
        id="attestation-invalid",
        title="400 Invalid attestations supplied during upload",
        pattern=(r"Invalid attestations supplied during upload"
                 r"|Could not verify the uploaded artifact using the included attestation"),
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
        # v1.10.0 (fixed in v1.10.1): `The following paths look like distributions but are not actually files: …`.
        pattern=r"Path looks like a distribution but is not a file|paths look like distributions but are not actually files",
        example=("Error: Attestation generation failure: Path looks like a distribution but is not a file: "
                 "/github/workspace/dist/widget-1.0.0-py3-none-any.whl"),
        cause=("`packages-dir` holds a directory whose name ends like a distribution, e.g. `dist/widget.whl/` "
               "made by downloading artifacts into per-artifact folders. v1.10.0 of the action also refused ordinary "
               "files (`The following paths look like distributions but are not actually files`), fixed in v1.10.1."),
        fix=("Download all artifacts into one flat folder (`download-artifact` with `merge-multiple: true` and "
             "one `path: dist`), and use a current release of the action."),
        command="fix-action-ref", source=ACTION, rank=85,
    ),
]


# Refusals of the whole upload (the index, the organisation, the URL), and the runner.
UPLOAD_CASES: list[Message] = [
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
                 "         Organization account owning this project is inactive. This may be due to inactive billing "
                 "for Company Organizations, or administrator intervention for Community Organizations. Please "
                 "contact support+orgs@pypi.org."),
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
        id="upload-rate-limited",
        title="429 Too Many Requests, no reason shown (a rate limit)",
        pattern=r"HTTPError: 429 (?:Client Error: )?Too Many Requests",
        unless=r"Too many new projects created",
        rank=40,
        example=("ERROR    HTTPError: 429 Too Many Requests from https://upload.pypi.org/legacy/\n"
                 "         Too Many Requests"),
        cause=("The index is rate-limiting the uploads and the log shows only the status. In order of "
               "likelihood: (1) the limit on new projects per account (the upload is a project's first, while "
               "uploads to existing projects still work); (2) many uploads or retries in a short time from one "
               "account or runner address."),
        fix=("Wait (the limits reset within hours) and re-run the failed job; do not retry in a loop. With "
             "`verbose: true` (or twine's `--verbose`) the index's reason is printed."),
        source=UPLOAD,
    ),
    Message(
        id="wrong-upload-url",
        title="The repository URL is not the index's upload URL",
        # twine's RedirectDetected and its 405/410 hints; uv's 405 text; PyPI's 308 for `/legacy`.
        pattern=(r"attempted to redirect to|Your repository URL is missing a trailing slash"
                 r"|you're trying to upload to pypi\.org but have an invalid URL"
                 r"|you're uploading to pypi\.python\.org|POST requests are not supported by the endpoint"
                 r"|expected upload URL is /legacy/|HTTPError: 405 (?:Client Error: )?Method Not Allowed"
                 r"|You're trying to upload to the legacy PyPI site"
                 # The retired pypi.python.org / testpypi.python.org: `410 Client Error: Gone (This API has been
                 # deprecated and removed from legacy PyPI …)`; distutils' `upload`: `Upload failed (405)`.
                 r"|deprecated and removed from legacy PyPI|HTTPError: 410 (?:Client Error: )?Gone"
                 r"|Upload failed \(405\)"
                 # Artifactory, given its simple (read) URL: `HTTP Error 415: … "Unsupported Media Type"`.
                 r"|\b415\b.{0,120}?Unsupported Media Type"),
        example=("error: Failed to publish `dist/widget-1.0.0.tar.gz` to https://test.pypi.org/simple/\n"
                 "  Caused by: POST requests are not supported by the endpoint, are you using the simple index URL "
                 "instead of the upload URL?"),
        cause=("The upload goes to a URL that is not the index's upload endpoint: `/legacy` without the "
               "trailing slash, the simple index (`https://test.pypi.org/simple/`) or a project page instead "
               "of `https://test.pypi.org/legacy/`, the retired `pypi.python.org` / `testpypi.python.org` "
               "(`410 Gone`), or a private server's page or read URL rather than its upload path (Artifactory "
               "answers `415 Unsupported Media Type` to an upload sent to `…/simple`). twine then reports a "
               "redirect, a 405, or a 410; distutils' `setup.py upload` `Upload failed (405)`; uv asks whether "
               "it is the simple index URL."),
        fix=("Set the upload URL exactly: `repository-url: https://test.pypi.org/legacy/` for TestPyPI; for PyPI "
             "leave `repository-url` out (the default is `https://upload.pypi.org/legacy/`)."),
        section="test-tag.md", source=TWINE, rank=70,
        local_fix=("Drop `--repository-url` for PyPI (twine's default is its upload URL) and use "
                   "`--repository testpypi` (or `https://test.pypi.org/legacy/`) for TestPyPI."),
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
        id="action-ref-unresolved",
        title="Unable to resolve action …@…",
        # Any action of the release workflow (the publish action's own, or e.g. a release tool's).
        pattern=(r"Unable to resolve action `?[\w.-]+/[\w./-]+@[^`,\s]*`?, unable to find version"
                 r"|Missing download info for [\w.-]+/[\w./-]+@"),
        example=("Error: Unable to resolve action `pypa/gh-action-pypi-publish@v1`, unable to find version `v1`"),
        cause=("The `uses:` line names a ref the action's repository does not have, so GitHub stops the job before "
               "any step runs. In order of likelihood: `@v1` (there is no `v1` tag: the maintained line is the "
               "branch `release/v1`), a branch and a tag mixed (`@release/v1.5.0`), a version without or with an "
               "extra `v`, a ref left empty by a template (`@v`), or a pinned commit that is not in the "
               "repository (mistyped, or from a fork). The same holds for any other action the job uses."),
        fix=("Use `pypa/gh-action-pypi-publish@release/v1`, a full release tag (`@v1.14.2`), or that release's "
             "commit SHA with the tag as a comment. `trustpub fix-action-ref` moves a non-existent tag or branch "
             "of the publish action to `release/v1`; a full SHA it does not know is left for you to re-pin. For "
             "another action, use a tag or commit its repository has (its releases page lists them)."),
        command="fix-action-ref", source=GITHUB, rank=80,
    ),
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
                r"not found|(?<![\w/])docker: command not found"
                # A self-hosted runner's work folder (`<runner>/_work/_actions/…`; GitHub's own is `work/_actions`).
                r"|/_work/_actions/pypa/gh-action-pypi-publish/",
        requires=r"gh-action-pypi-publish|Run # Create Docker container action",  # the action's own step
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
