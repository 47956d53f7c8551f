"""How a repository publishes: one model, read once per run, shared by the checklist and the fixers.

Public API (see `model` for the dataclasses' fields):

- `read_repo(repo) -> PublishingModel`: read a `trustpub.repo.Repo`'s workflows (GitHub Actions).
- `read_workflows(root, workflows) -> PublishingModel`: the same for already parsed workflows
  (the fixers pass their round-trip `Workflow`s).
- `PublishingModel.uploads` (`Upload`), `.may_upload` (`MayUpload`), `.oidc_uses` (`OidcUse`),
  `.broken` (`BrokenFile`), `.calls` (`ReusableCall`); `jobs_needing_id_token(workflow)`.
- `describe_model(model) -> list[str]`: the "How this repository publishes" lines.

A second CI provider is a second reader module filling the same dataclasses.
"""

from trustpub.publishing.model import (  # noqa: F401
    AUTH_KINDS, INDEX_NAMES, TOOLS, BrokenFile, MayUpload, OidcUse, PublishingModel, ReusableCall, Trigger,
    Upload, describe_model, describe_upload,
)
from trustpub.publishing.github import read as read_workflows, read_repo  # noqa: F401
