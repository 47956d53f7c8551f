"""The files and the project: names, versions, file names and sizes PyPI refuses, and what twine
cannot read as a distribution.

Texts from warehouse (`warehouse/forklift/legacy.py`, `packaging/services.py`) and twine
(`twine/package.py`, `twine/commands/__init__.py`).
"""

from __future__ import annotations

from trustpub.diagnose.model import Message

UPLOAD = "PyPI upload endpoint (via twine, the action or `uv publish`)"
TWINE = "twine (`twine check` or `twine upload`, also inside the publish action)"


FILE_CASES: list[Message] = [
    # -- Project names ------------------------------------------------------------------------
    Message(
        id="name-too-similar",
        title="The name is too similar to an existing project",
        pattern=r"The name '[^']+' is too similar to an existing project|The name '[^']+' conflicts with an "
                r"existing project",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         The name 'wid-get' is too similar to an existing project. See\n"
                 "         https://pypi.org/help/#project-name for more information."),
        cause=("PyPI compares new names after normalisation (case, and runs of `-`, `_`, `.` are the same; "
               "confusable spellings such as `l`/`1` and `O`/`0` are compared too), and another project already "
               "has that name in that sense. A pending publisher does not reserve a name."),
        fix=("Choose another `[project].name` (and register the pending publisher again with it); if the other "
             "project is abandoned, PEP 541 describes how to ask for the name."),
        source=UPLOAD, rank=85,
    ),
    Message(
        id="name-not-allowed",
        title="The name isn't allowed",
        pattern=r"The name '[^']+' isn't allowed",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         The name 'json' isn't allowed (conflict with Python Standard Library module name). See\n"
                 "         https://pypi.org/help/#project-name for more information."),
        cause="The name is on PyPI's list of prohibited names, or is a module of the Python standard library.",
        fix="Choose another `[project].name`; the import name can stay as it is.",
        source=UPLOAD, rank=85,
    ),
    # -- Versions and files ---------------------------------------------------------------------
    Message(
        id="filename-reused",
        title="This filename has already been used",
        pattern=r"This filename has (?:already|previously) been used|This filename was previously used by a file "
                r"that has since been deleted",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         This filename was previously used by a file that has since been deleted. Use a different "
                 "version. See https://pypi.org/help/#file-name-reuse for more information."),
        cause=("A file of that name was uploaded once and then deleted (or its release was). PyPI never accepts "
               "a file name twice, even after deleting it. Older PyPI wrote `This filename has already been used, "
               "use a different version` (or `has previously been used`)."),
        fix="Release a new version (e.g. `1.0.1`, or a post-release `1.0.0.post1`); deleting more does not help.",
        command="release", source=UPLOAD, rank=80,
    ),
    Message(
        id="file-exists",
        title="400 File already exists",
        pattern=r"File already exists",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         File already exists ('example_project-0.2.0.tar.gz', with blake2_256 hash "
                 "'4f2a0c…'). See https://pypi.org/help/#file-name-reuse for more information."),
        cause=("That version is already on the index, and a file name can never be uploaded twice (not even after "
               "deleting it). Typically a tag was pushed without changing the version the build produces, or a "
               "finished release job was re-run."),
        fix=("Release a new version: set it, move the changelog, commit, tag and push in one step. "
             "`skip-existing: true` is only for re-running a partly failed upload: it would also hide a build "
             "that silently reuses an old version."),
        command="release", source=UPLOAD, rank=70,
    ),
    Message(
        id="one-sdist",
        title="Only one sdist may be uploaded per release",
        pattern=r"Only one sdist may be uploaded per release",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Only one sdist may be uploaded per release."),
        cause=("The release already has a source distribution and this upload brings another with a different "
               "name (e.g. `widget-1.0.tar.gz` and `Widget-1.0.tar.gz`, or sdists from several matrix jobs)."),
        fix="Build the sdist once, in one job, and upload that together with the wheels.",
        section="wheels.md", source=UPLOAD, rank=80,
    ),
    Message(
        id="local-version",
        title="The use of local versions is not allowed",
        # Older PyPI: `'0.1.dev9+g21a7230' is an invalid value for Version. Error: Can't use PEP 440 local versions.`
        pattern=r"The use of local versions in .{1,80}? is not allowed|Can(?:'|no)t use PEP 440 local versions",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         The use of local versions in <Version('0.3.1.dev2+g1a2b3c4')> is not allowed. See\n"
                 "         https://packaging.python.org/specifications/core-metadata for more information."),
        cause=("The version has a local part (`+g1a2b3c4`, `+dirty`): setuptools-scm or hatch-vcs computed it "
               "from a commit that is not exactly a tag, or from a dirty tree, or the checkout had no tags "
               "(`actions/checkout` fetches none by default). Newer PyPI quotes the version: "
               "`The use of local versions in '0.3.1.dev2+g1a2b3c4' is not allowed.`; older PyPI wrote "
               "`… is an invalid value for Version. Error: Can't use PEP 440 local versions.`"),
        fix=("Build from the tag itself with its history (`actions/checkout` with `fetch-depth: 0`), keep the "
             "tree clean before building; for uploads of untagged commits (TestPyPI) set "
             "`local_scheme = \"no-local-version\"`, which drops the commit from the version."),
        section="workflow.md", source=UPLOAD, rank=80,
    ),
]
