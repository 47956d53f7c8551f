"""The distribution's core metadata: what twine and PyPI's upload endpoint refuse in it.

Texts from warehouse (`warehouse/forklift/metadata.py`, `forklift/legacy.py`) and twine
(`twine/package.py`, `twine check`).
"""

from __future__ import annotations

from trustpub.diagnose.model import Message
from trustpub.diagnose.sources import UPLOAD, TWINE, ACTION_FIX_PIN


METADATA_CASES: list[Message] = [
    # -- Core metadata ------------------------------------------------------------------------
    Message(
        id="metadata-version-unsupported",
        title="'2.5' is not a valid metadata version",
        # An older twine on metadata 2.5's new fields: `unrecognized or malformed field 'import-name'`.
        pattern=r"'2\.[5-9]' is not a valid metadata version|unrecognized or malformed field '?import-(?:name|namespace)",
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
        id="index-metadata-version",
        title="The index refuses the Metadata-Version (the index is older than the build backend)",
        # warehouse's old upload form: `'2.2' is an invalid value for Metadata-Version. Error: Use a known
        # metadata version.`; pulp_python: `"2.5" is not a valid choice for metadata_version`.
        # Azure Artifacts: `Bad Request - Metadata version '2.3' is unsupported. Supported versions are: …`.
        pattern=(r"is an invalid value for Metadata-Version|Use a known metadata version"
                 r"|is not a valid choice for metadata_version|Metadata version '[\d.]+' is unsupported"),
        example=("ERROR    HTTPError: 400 Bad Request from https://pypi.example.com/legacy/\n"
                 "         '2.4' is an invalid value for Metadata-Version. Error: Use a known metadata version. "
                 "See https://packaging.python.org/specifications/core-metadata for more information."),
        cause=("The refusal comes from the index server, not from twine: the server does not know the core "
               "metadata version the build backend wrote. PyPI itself refused 2.2 and 2.3 until it added them "
               "(pypi/warehouse#9660, #11526) and accepts them now; today this text comes from an index older "
               "than the build backend: a private index or proxy (devpi, pypiserver, pulp, Artifactory, Nexus) "
               "or an old mirror. Upgrading twine does not help."),
        fix=("Upgrade the index server (or ask its owner), or until then pin the build backend to a release that "
             "writes a metadata version the index knows, and undo the pin later. For PyPI, re-run: it accepts "
             "the versions current backends write."),
        source=UPLOAD, rank=80,
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
        # packaging's text for any field newer than the declared version (`import-name … 2.5, not 2.4`).
        pattern=r"[\w-]+ introduced in metadata version 2\.\d",
        example=("ERROR    InvalidDistribution: Invalid distribution metadata: license-expression\n"
                 "         introduced in metadata version 2.4, not 2.3"),
        cause=("The distribution's METADATA declares an older Metadata-Version but carries fields that need a "
               "newer one (`License-Expression` and `License-File` need 2.4, `Import-Name` 2.5; the field is "
               "named first): an old build backend (or one with that bug) built it, or a tool edited METADATA "
               "afterwards."),
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
               "`License-Expression` / `License-File` fields the build backend wrote. twine 6.1 still fails "
               "with `packaging` 24.0 or 24.1 (twine#1216)."),
        fix=f"Use a current publish action ({ACTION_FIX_PIN}), or twine ≥ 6.1 with `packaging` ≥ 24.2.",
        command="fix-action-ref", source=TWINE, rank=75,
        local_fix="Upgrade twine and packaging (`python -m pip install -U twine 'packaging>=24.2'`).",
        local_command=None,
    ),
    Message(
        id="invalid-classifier",
        title="… is not a valid classifier",
        pattern=r"is not a valid classifier|License classifiers have been superseded by license expressions"
                r"|The classifier '[^']+' has been deprecated"
                # PyPI's upload form before 2024: `Invalid value for classifiers. Error: '…' is not a valid choice
                # for this field`, `Classifiers [...] are not valid classifiers.`, `Classifier '…' has been deprecated`.
                r"|Invalid value for classifiers\. Error: |are not valid classifiers|Classifier '[^']+' has been deprecated"
                # Older PyPI answered with the project's classifiers alone: `400 Client Error: ['Development …', …]`.
                r"|\b400 (?:Client Error: )?\['[A-Z][A-Za-z ]+ :: ",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         'License :: OSI Approved :: MIT' is not a valid classifier. See\n"
                 "         https://packaging.python.org/specifications/core-metadata for more information."),
        cause=("A classifier in `[project].classifiers` is not in PyPI's list (trove-classifiers): a typo or "
               "wrong case (`Development status ::` for `Development Status ::`), a licence written as a "
               "classifier (`License-Expression :: MIT`), or a deprecated one. Older PyPI wrote `Invalid value "
               "for classifiers. Error: Classifier '…' is not a valid classifier.`, and before that only listed the "
               "project's classifiers (`400 Client Error: ['Development Status :: 4 - Beta', …]`): one of them is "
               "the invalid one."),
        fix=("Copy the classifier exactly from https://pypi.org/classifiers/; write a licence once, as an SPDX "
             "expression in `[project].license` (e.g. `license = \"MIT\"`), without `License ::` classifiers. "
             "`twine check` does not catch this: only the index does."),
        source=UPLOAD, rank=70,
    ),
    Message(
        id="description-render",
        title="The description failed to render",
        # twine check: `` `long_description` has syntax errors in markup and would not be rendered on PyPI.``
        # `twine check --strict` also fails on its warnings (`long_description_content_type` missing).
        pattern=r"The description failed to render|`?long_description`? has syntax errors in markup|FAILED due to warnings",
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
    Message(
        id="invalid-url",
        title="… is not a valid url",
        # Older PyPI (and twine 1.x's `400 Client Error: home_page: Invalid URI`): `Invalid URI`.
        pattern=r"'[^']*' is not a valid url|\b(?:home_page|download_url|project_urls?|Home-page|Download-URL)\b"
                r"[^.]{0,60}?Invalid URI|Error: Invalid URI"
                # PyPI's upload form before 2024 (forklift's project_urls validator): `Use valid URL.`, `Use a
                # label.`, `Use 32 characters or less.`, `Use an URL.`, `Use both a label and an URL.`
                r"|Invalid value for project_urls\. Error: ",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         'github.com/acme/widget' is not a valid url. See "
                 "https://packaging.python.org/specifications/core-metadata for more information."),
        cause=("A URL in the metadata (a `[project.urls]` entry, `Home-page` or `Download-URL`) is not a full URL: "
               "no `https://`, a typo such as `https//`, a placeholder, or a relative path. Older PyPI wrote "
               "`Invalid URI` (twine 1.x showed it as `400 Client Error: home_page: Invalid URI`), and for "
               "`[project.urls]` `Invalid value for project_urls. Error: Use valid URL.` (or `Use a label.`, "
               "`Use 32 characters or less.`: a label longer than 32 characters)."),
        fix="Write every URL in full (`https://github.com/acme/widget`) in `[project.urls]`, rebuild and upload.",
        source=UPLOAD, rank=75,
    ),
    Message(
        id="invalid-email",
        title="… is not a valid email address",
        # PyPI's upload form before 2024: `'…' is an invalid value for Author-email. Error: Use a valid email address`.
        pattern=r"is not a valid email address|is an invalid value for (?:Author|Maintainer)-email",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         'alice@laptop.local' is not a valid email address: The part after the @-sign is a "
                 "special-use or reserved name that cannot be used with email. See "
                 "https://packaging.python.org/specifications/core-metadata for more information."),
        cause=("An author or maintainer email in the metadata is not a usable address: a name where the address "
               "belongs, a missing or mistyped domain, or a special-use domain (`.local`, `.test`, `localhost`, "
               "often copied from a git configuration), several addresses joined with `;` instead of `,`, a URL, "
               "or a `setup.cfg` `attr:` that was written out as text. The reason after the colon says which; "
               "older PyPI wrote `'…' is an invalid value for Author-email. Error: Use a valid email address`."),
        fix=("Fix `email` in `[project].authors` / `maintainers` (or `author_email` in `setup.py`); put a name "
             "in `name`, not in `email`."),
        source=UPLOAD, rank=75,
    ),
    Message(
        id="direct-dependency",
        title="Can't have direct dependency",
        # PyPI's upload form before 2024 also wrote `Can't direct dependency: '…'` (its own typo).
        pattern=r"Can't (?:have )?direct dependency",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Can't have direct dependency: widget-core @ git+https://github.com/acme/widget-core. See "
                 "https://packaging.python.org/specifications/core-metadata for more information."),
        cause=("A dependency is given by URL or path (`name @ git+https://…`, `name @ file:///…`), in "
               "`[project].dependencies` or an extra; PyPI refuses any such requirement, since an installer "
               "from PyPI could not resolve it safely."),
        fix=("Depend on a released version instead (publish the dependency to PyPI first), or move the URL "
             "dependency out of the published metadata (a `[dependency-groups]` group, or a tool's own "
             "development dependencies)."),
        source=UPLOAD, rank=75,
    ),
    Message(
        id="field-too-long",
        title="… field must be 512 characters or less",
        pattern=r"'[^']+' field must be \d+ characters or less|'[^']+' must be 32 characters or less"
                r"|'summary' must be a single line"
                # PyPI's upload form before 2024 (Summary): wtforms' length and single-line messages.
                r"|Field cannot be longer than \d+ characters|is an invalid value for Summary\. Error: Use a single line",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         'summary' field must be 512 characters or less. See "
                 "https://packaging.python.org/specifications/core-metadata for more information."),
        cause=("A metadata field is longer than PyPI allows: usually the summary (`[project].description`, 512 "
               "characters), set to the whole README; or a `[project.urls]` label over 32 characters "
               "(`'…' must be 32 characters or less`). `'summary' must be a single line`: the description has a "
               "line break."),
        fix=("Keep `description` to one sentence (the README goes in `readme`), and use short labels in "
             "`[project.urls]`."),
        source=UPLOAD, rank=75,
    ),
    Message(
        id="license-and-expression",
        title="License is deprecated when License-Expression is present",
        pattern=r"License is deprecated when License-Expression is present",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         License is deprecated when License-Expression is present. Only License-Expression should "
                 "be present. See https://packaging.python.org/specifications/core-metadata for more information."),
        cause=("The metadata carries both the old free-text `License` field and an SPDX `License-Expression` "
               "(PEP 639 allows only the latter): typically `license = \"MIT\"` in `pyproject.toml` together "
               "with `license=` in `setup.py` or `setup.cfg`."),
        fix="Keep the licence once, as `license = \"<SPDX expression>\"` in `[project]`, and remove the other one.",
        source=UPLOAD, rank=75,
    ),
    Message(
        id="invalid-field-value",
        title="… is invalid for 'license-expression' (or another field)",
        # packaging's validation, in twine (`Invalid distribution metadata: …`) and on PyPI.
        # PyPI's upload form before 2024 wrote `'…' is an invalid value for <Field>. Error: …` and `Invalid value
        # for <field>. Error: …` for every field; the fields with a case of their own are read there first.
        pattern=r"'[^']*' is invalid for '[\w-]+'|is an invalid value for [A-Z][\w-]+\. Error: |Invalid value for [a-z_]+\. Error: ",
        unless=(r"Invalid value for (?:project_urls|classifiers)\. Error: "
                r"|is an invalid value for (?:Author-email|Maintainer-email|Metadata-Version|Version|Summary|Name)\. Error: "
                r"|Can't (?:have )?direct dependency"),
        example=("ERROR    InvalidDistribution: Invalid distribution metadata: 'MIT License' is invalid for\n"
                 "         'license-expression'"),
        cause=("A metadata field holds a value its specification does not allow; the field is named last. "
               "Most often `license-expression` with a licence name instead of an SPDX expression "
               "(`MIT License` for `MIT`, `Apache 2.0` for `Apache-2.0`), `requires-python` or a dependency "
               "with a syntax error (a trailing comma, a missing operator), or a `license-files` path that "
               "is absolute or climbs out with `..`. Older PyPI named the field the other way round: "
               "`'…' is an invalid value for Requires-Python. Error: …`, `Invalid value for requires_dist. Error: "
               "Invalid requirement: '…'`, `… for Description-Content-Type. Error: Invalid description content "
               "type: …` (only `text/plain`, `text/x-rst` and `text/markdown`, charset UTF-8)."),
        fix=("Correct the field in `pyproject.toml` (SPDX identifiers: https://spdx.org/licenses/; "
             "`license-files` relative to the project root) and rebuild."),
        source=TWINE, rank=70,
    ),
    Message(
        id="invalid-version",
        title="… is an invalid value for Version",
        # Older PyPI's form check, and packaging's `Invalid version: '…'` inside twine.
        pattern=r"is an invalid value for Version|Invalid version: '[^']+'",
        unless=r"local versions",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         'v1.0' is an invalid value for Version. Error: Start and end with a letter or numeral "
                 "containing only ASCII numeric and '.', '_' and '-'. See "
                 "https://packaging.python.org/specifications/core-metadata for more information."),
        cause=("The version is not a PEP 440 version: a tag name used as the version (`v1.0`, `release-1.0`), "
               "a placeholder, or a version a script built by hand."),
        fix=("Let the build backend take the version from the tag (setuptools-scm / hatch-vcs strip the `v`), "
             "or write a PEP 440 version (`1.0.0`, `1.0.0rc1`, `1.0.0.post1`)."),
        section="workflow.md", source=UPLOAD, rank=75,
    ),
]
