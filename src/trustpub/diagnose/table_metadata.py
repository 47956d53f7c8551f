"""The distribution's core metadata: what twine and PyPI's upload endpoint refuse in it.

Texts from warehouse (`warehouse/forklift/metadata.py`, `forklift/legacy.py`) and twine
(`twine/package.py`, `twine check`).
"""

from __future__ import annotations

from trustpub.diagnose.model import Message

UPLOAD = "PyPI upload endpoint (via twine, the action or `uv publish`)"
TWINE = "twine (`twine check` or `twine upload`, also inside the publish action)"
ACTION_FIX_PIN = "v1.14.2 (commit `dc37677b2e1c63e2034f94d8a5b11f265b73ba33`)"


METADATA_CASES: list[Message] = [
    # -- Core metadata ------------------------------------------------------------------------
    Message(
        id="metadata-version-unsupported",
        title="'2.5' is not a valid metadata version",
        pattern=r"'2\.[5-9]' is not a valid metadata version",
        example=("Checking dist/widget-1.0.0-py3-none-any.whl: ERROR    InvalidDistribution: Invalid distribution "
                 "metadata: '2.5' is not a valid metadata version"),
        cause=("The build backend writes core metadata 2.5 (hatchling 1.32 and later do since August 2026), and "
               "the twine that checks or uploads it is older: gh-action-pypi-publish up to v1.14.1 bundles a twine "
               "and `packaging` that know metadata up to 2.4. A `twine check` with a current twine in the build "
               "job passes and hides it. PyPI itself accepts 2.5."),
        fix=(f"Move the publish action to {ACTION_FIX_PIN} or later, which bundles twine 7; when the failing step "
             "is another action's `twine check` (e.g. hynek/build-and-inspect-python-package, whose v3.0.1 bundles "
             "twine 7.0.0) move that one, and with a twine of your own use `twine>=7`. Or pin the build backend to a release that writes 2.4 (e.g. "
             "`requires = [\"hatchling<1.32\"]`): that holds back backend fixes and must be undone later. "
             "`verify-metadata: false` does not help: the upload reads the metadata too."),
        command="fix-action-ref", source=TWINE, rank=80,
        local_fix="Upgrade twine to 7 or later (`python -m pip install -U 'twine>=7'`), or pin the build backend "
                  "to a release that writes metadata 2.4 (and undo the pin later).",
        local_command=None,
    ),
    Message(
        id="metadata-missing-fields",
        title="Metadata is missing required fields: Name, Version",
        pattern=r"Metadata is missing required fields: Name, Version",
        example=("ERROR    InvalidDistribution: Metadata is missing required fields: Name,\n"
                 "         Version.\n"
                 "         Make sure the distribution includes the files where those fields are\n"
                 "         specified, and is using a supported Metadata-Version: 1.0, 1.1, 1.2,\n"
                 "         2.0, 2.1, 2.2, 2.3."),
        cause=("The uploader is older than the build backend: an old twine (inside an old pinned version of the "
               "publish action, or installed in the job) cannot read the newer Metadata-Version the backend "
               "writes (2.3 or 2.4; the last supported version it lists is the clue)."),
        fix=(f"Move the publish action to a current release ({ACTION_FIX_PIN} reads up to 2.5), or upgrade the "
             "twine the job installs."),
        command="fix-action-ref", source=TWINE, rank=75,
        local_fix="Upgrade twine (`python -m pip install -U twine`) and upload again.",
        local_command=None,
    ),
    Message(
        id="license-field-version",
        title="license-expression introduced in metadata version 2.4",
        pattern=r"license-(?:expression|file) introduced in metadata version 2\.4",
        example=("ERROR    InvalidDistribution: Invalid distribution metadata: license-expression\n"
                 "         introduced in metadata version 2.4, not 2.3"),
        cause=("The distribution's METADATA declares an older Metadata-Version but carries `License-Expression` "
               "or `License-File` fields, which need 2.4: an old build backend (or one with that bug) built it."),
        fix=("Upgrade the build backend (e.g. a current hatchling or setuptools ≥ 77) and rebuild; a file already "
             "built this way cannot be fixed by the uploader."),
        source=TWINE, rank=75,
    ),
    Message(
        id="license-field-unrecognised",
        title="unrecognized or malformed field 'license-expression'",
        pattern=r"unrecognized or malformed field '?license-(?:expression|file)",
        example="ERROR    InvalidDistribution: Invalid distribution metadata: unrecognized or malformed field "
                "'license-expression'",
        cause=("twine (through its `packaging`) is older than metadata 2.4: it does not know the "
               "`License-Expression` / `License-File` fields the build backend wrote."),
        fix=f"Use a current publish action ({ACTION_FIX_PIN}) or twine ≥ 6.1.",
        command="fix-action-ref", source=TWINE, rank=75,
        local_fix="Upgrade twine to 6.1 or later (`python -m pip install -U twine`).",
        local_command=None,
    ),
    Message(
        id="invalid-classifier",
        title="… is not a valid classifier",
        pattern=r"is not a valid classifier|License classifiers have been superseded by license expressions"
                r"|The classifier '[^']+' has been deprecated",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         'License :: OSI Approved :: MIT' is not a valid classifier. See\n"
                 "         https://packaging.python.org/specifications/core-metadata for more information."),
        cause=("A classifier in `[project].classifiers` is not in PyPI's list (trove-classifiers): a typo or "
               "wrong case (`Development status ::` for `Development Status ::`), a licence written as a "
               "classifier (`License-Expression :: MIT`), or a deprecated one. Older PyPI wrote `Invalid value "
               "for classifiers. Error: Classifier '…' is not a valid classifier.`"),
        fix=("Copy the classifier exactly from https://pypi.org/classifiers/; write a licence once, as an SPDX "
             "expression in `[project].license` (e.g. `license = \"MIT\"`), without `License ::` classifiers. "
             "`twine check` does not catch this: only the index does."),
        source=UPLOAD, rank=70,
    ),
    Message(
        id="description-render",
        title="The description failed to render",
        pattern=r"The description failed to render",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         The description failed to render for 'text/x-rst'. See\n"
                 "         https://pypi.org/help/#description-content-type for more information."),
        cause=("PyPI could not render the long description (the README) in the markup it is declared as: "
               "usually a Markdown README read as reStructuredText because no content type is declared, or "
               "invalid reStructuredText."),
        fix=("Declare the README in `pyproject.toml` (`readme = \"README.md\"` sets `text/markdown`), rebuild, "
             "and run `twine check --strict dist/*` before uploading: it renders the description the same way."),
        source=UPLOAD, rank=80,
    ),
]
