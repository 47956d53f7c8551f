"""Who uploads: PyPI's refusals of the credential (API tokens, Trusted Publishing tokens, accounts) and
twine's and the action's credential texts.

Texts from warehouse (`accounts/security_policy.py`, `macaroons/security_policy.py`, `macaroons/caveats`,
`forklift/legacy.py`), twine (`twine/auth.py`) and pypa/gh-action-pypi-publish (`twine-upload.sh`).
"""

from __future__ import annotations

from trustpub.diagnose.model import Message
from trustpub.diagnose.sources import ACTION, POETRY, UPLOAD, TWINE


AUTH_CASES: list[Message] = [
    # -- Authentication ------------------------------------------------------------------------
    Message(
        id="invalid-auth",
        title="403 Invalid or non-existent authentication information",
        pattern=r"Invalid or non-existent authentication information",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         Invalid or non-existent authentication information. "
                 "See https://pypi.org/help/#invalid-auth for more information."),
        cause=("The upload authenticated with a token or password (not Trusted Publishing) that the index does "
               "not accept. In order of likelihood: (1) an API token that is revoked, expired, for the other "
               "index, or mistyped: a `password:` input in the workflow, or `TWINE_PASSWORD` / "
               "`UV_PUBLISH_TOKEN` in the job; a token that is right where you set it can still be the wrong one "
               "in the job, as a repository secret overrides an organisation secret of the same name; (2) no "
               "credentials at all: the tool found none configured for that index (an empty secret, poetry "
               "without `pypi-token.pypi`) and sent the request without them."),
        fix=("Drop the token path in the workflow: remove the `password:` input (and `TWINE_PASSWORD`) so the "
             "action uses Trusted Publishing, grant `id-token: write` and register the publisher. To keep a token, "
             "create a new one on that index and replace the secret's value."),
        command="harden-workflow", source=UPLOAD,
        local_fix=("The token in `~/.pypirc` (or `TWINE_PASSWORD`) is revoked or for the other index: publish "
                   "through the workflow instead, and remove the old token from `.pypirc`."),
        local_command="scrub-pypirc",
    ),
    Message(
        id="oidc-token-other-project",
        title="Invalid API Token: OIDC scoped token is not valid for project",
        # warehouse `macaroons/caveats`: the Trusted Publishing token is bound to its publisher's projects.
        pattern=(r"OIDC scoped token is not valid for project|current OIDC publisher does not match publisher "
                 r"restriction in token"),
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         Invalid API Token: OIDC scoped token is not valid for project 'widget-cli'"),
        cause=("The exchange worked, but the publisher that minted the token is registered on other projects, "
               "not on the one this file belongs to. In order of likelihood: (1) one workflow publishes several "
               "packages (a monorepo) and the publisher is registered on only one of them; (2) the "
               "distribution's `[project].name` is not the project the publisher was registered on; (3) the "
               "project was deleted (and perhaps re-created by the upload) after the publisher was registered, "
               "so the publisher belongs to a project that no longer exists: register it again, as a pending "
               "publisher if the project is gone."),
        fix=("Register the same publisher (owner, repository, workflow file, environment) on every project the "
             "job uploads, in each project's publishing settings; or upload each package from its own job "
             "with its own publisher."),
        command="publisher-values", source=UPLOAD, rank=85,
    ),
    Message(
        id="token-expired",
        title="Invalid API Token: token is expired",
        pattern=r"Invalid API Token: (?:\w+\(')?token is expired",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         Invalid API Token: token is expired"),
        cause=("The token's expiry passed before this file was sent. With Trusted Publishing the token PyPI "
               "mints lives 15 minutes, so an upload of many or large files that takes longer (or a job that "
               "exchanged the token long before uploading) fails part-way; with an API token, the token was "
               "made with an expiry that has passed."),
        fix=("With Trusted Publishing, re-run the job with `skip-existing: true` for that re-run only (the files "
             "that got through are then skipped, not refused as existing); split very large uploads across "
             "jobs. With an API token, move to Trusted Publishing or make a new token."),
        command="harden-workflow", source=UPLOAD, rank=70,
        local_fix="Create a new API token on the index (the old one expired), or publish through the workflow.",
        local_command="scrub-pypirc",
    ),
    Message(
        id="invalid-api-token",
        title="403 Invalid API Token",
        pattern=r"Invalid API Token: ",
        unless=r"OIDC scoped token is not valid for project|token is expired",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         Invalid API Token: InvalidMacaroonError('invalid macaroon signature')"),
        cause=("The password is shaped like a PyPI token but PyPI cannot accept it: revoked, truncated or broken "
               "by a newline when copied (`signatures do not match`), made on the other index (TestPyPI and PyPI "
               "tokens differ), or scoped to another project (`project-scoped token is not valid for project …`). "
               "When a token that worked yesterday fails with a text PyPI itself garbles (`invalid macaroon!r`, "
               "September 2020; `caveat must be an array`, `token with user restriction without a user`, "
               "March 2024), it is PyPI's fault: check https://status.python.org/ and pypi/warehouse's issues. "
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
        # The action's annotation for a `user:` other than `__token__` (title `Password-based uploads deprecated`).
        pattern=(r"Username/Password authentication is no longer supported"
                 r"|Starting in 2024, PyPI will require all users to enable Two-Factor Authentication"
                 # Current releases stop there (title `Password-based uploads disabled`).
                 r"|As of 2024, PyPI requires all users to enable Two-Factor Authentication"),
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
        id="token-not-pypi-prefixed",
        title="POTENTIALLY INVALID TOKEN",
        pattern=r"POTENTIALLY INVALID TOKEN|your token value does not start with \W?pypi-",
        rank=10,  # a warning: another refusal that follows says more, but not a refused token
        explains=("invalid-auth", "invalid-api-token"),  # the token it warns of is why PyPI refused it
        example=("Warning: # >> PyPA publish to PyPI GHA: POTENTIALLY INVALID TOKEN << It looks like you are trying "
                 "to use an API token to authenticate in the package index and your token value does not start "
                 "with \"pypi-\" as it typically should. This may cause an authentication error. Please verify "
                 "that you have copied your token properly if such an error occurs."),
        cause=("The publish action was given `user: __token__` and a `password:` that does not start with "
               "`pypi-`: the secret holds something else (an account password, another service's token, the "
               "token with quotes or a leading space). For a private index whose tokens look different the "
               "warning is harmless."),
        fix=("For PyPI use Trusted Publishing (remove `password:`, grant `id-token: write`, register the "
             "publisher); to keep a token, store the whole `pypi-…` value in the secret, without quotes."),
        command="harden-workflow", source=ACTION,
    ),
    Message(
        id="unverified-email",
        title="does not have a verified primary email address",
        pattern=r"does not have a verified primary email address",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         User 'alice' does not have a verified primary email address. Please add a verified "
                 "primary email before attempting to upload to PyPI. See https://pypi.org/help/#verified-email "
                 "for more information."),
        cause=("The upload was made with the API token (or, years ago, the password) of an account whose primary "
               "email address is not verified (often a maintainer's old token still in the repository's secrets); PyPI refuses "
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
        # Older wording (warehouse `accounts/security_policy.py`): `You must enable two factor authentication to upload`.
        # (A paste cut short keeps the start: `… does not have two-factor authent`.)
        pattern=r"does not have two-factor authent|You must enable two factor authentication to upload",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         User 'alice', associated with the API token used, does not have two-factor authentication "
                 "enabled. Please enable two-factor authentication before attempting to upload to PyPI. See "
                 "https://pypi.org/help/#two-factor-authentication for more information."),
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
        id="unauthorized",
        title="401 Unauthorized (an index that wants credentials)",
        # PyPI itself answers bad credentials with a 403 and its own text (invalid-auth); a bare 401 is another
        # index's (Artifactory, Nexus, GitLab, CodeArtifact, devpi, pypiserver) or a proxy's.
        pattern=r"\b401 (?:Client Error: )?Unauthorized|HTTP Error 401: Unauthorized|\b401 None\b",
        unless=r"Invalid or non-existent authentication information|two-factor|Invalid API Token",
        rank=40,
        example=("HTTPError: 401 Unauthorized from https://pkgs.example.com/repository/pypi-internal/\n"
                 "         Unauthorized"),
        cause=("The index asked for credentials and got none it accepts. In order of likelihood: (1) none were "
               "sent: the upload tool found no credentials for that repository name (poetry reads "
               "`POETRY_HTTP_BASIC_<NAME>_USERNAME` / `_PASSWORD` and `POETRY_PYPI_TOKEN_<NAME>`, with the "
               "repository name upper-cased; twine reads the repository's section of its config file or "
               "`TWINE_USERNAME` / `TWINE_PASSWORD`), or the secret behind them is empty in this job; (2) the "
               "credentials are wrong or expired for that index."),
        fix=("Print which credentials the tool will use (poetry `-vvv`, twine `--verbose`) and check the names "
             "against the repository's name; for a token, the username the index expects (`__token__` on PyPI, "
             "often the account name or `aws` elsewhere)."),
        source=UPLOAD,
        local_fix=("Run the upload again with verbose output and check that the credentials are configured for "
                   "exactly that repository name."),
    ),
    Message(
        id="poetry-token-empty",
        title="poetry: There is no pypi-token.… setting",
        # poetry's `config` command: with no value after the key it reads the setting, and a token is not one.
        pattern=r"There is no (?:pypi-token|http-basic)\.[\w.-]+ setting",
        example="There is no pypi-token.testpypi setting.",
        cause=("`poetry config pypi-token.<name> <token>` ran with an empty token, and with no value poetry reads "
               "the setting instead of writing it, which fails this way. The secret passed as the token is empty for "
               "this job: misspelt, an environment secret in a job that does not declare that `environment:`, or a "
               "run from a fork or Dependabot."),
        fix=("Make the secret available to the job (declare its `environment:`, check the name), or drop the token: "
             "build with poetry and upload with pypa/gh-action-pypi-publish and Trusted Publishing "
             "(`id-token: write`, a registered publisher)."),
        command="harden-workflow", source=POETRY, rank=70,
        local_fix="Pass the token itself: `poetry config pypi-token.pypi pypi-…` (the value must not be empty).",
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
]
