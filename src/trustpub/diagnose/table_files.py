"""The files and the project: names, versions, file names and sizes PyPI refuses, and what twine
cannot read as a distribution.

Texts from warehouse (`warehouse/forklift/legacy.py`, `packaging/services.py`) and twine
(`twine/package.py`, `twine/commands/__init__.py`).
"""

from __future__ import annotations

from trustpub.diagnose.model import Message
from trustpub.diagnose.sources import UPLOAD, TWINE


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
        # `The name '…' is invalid.`: not a valid project name at all (warehouse `packaging/services.py`).
        # PyPI's upload form before 2024: `'…' is an invalid value for Name. Error: Start and end with a letter …`.
        pattern=r"The name '[^']+' isn't allowed|The name '[^']+' is invalid\.|is an invalid value for Name\. Error: ",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         The name 'json' isn't allowed (conflict with Python Standard Library module name). See\n"
                 "         https://pypi.org/help/#project-name for more information."),
        cause=("The name is on PyPI's list of prohibited names, or is a module of the Python standard library; "
               "`The name '…' is invalid.` means it is not a valid project name at all (only ASCII letters, "
               "digits, `.`, `_` and `-`, starting and ending with a letter or digit)."),
        fix=("Choose another `[project].name` (the import name can stay); a prohibited name that is not a "
             "standard-library module can be asked for with a PEP 541 request to PyPI support."),
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
        # uv with `--check-url`: the same name is on the index with other content.
        # Legacy PyPI: `A file named "…" already exists for …`; Sonatype Nexus: `…/name-1.0.whl cannot be updated`;
        # Google Artifact Registry (twine prints its reason on a line of its own): `Requested entity already exists`.
        pattern=(r"File already exists|Local file and index file do not match for|A file named \"[^\"]+\" already "
                 r"exists for|\.(?:whl|tar\.gz|zip) cannot be updated|Requested entity already exists"
                 # pypiserver (no `--overwrite`): `409 Conflict`, through requests `409 Client Error: Conflict`.
                 r"|HTTPError: 409 (?:Client Error: )?Conflict"
                 # The texts twine's `--skip-existing` read before 6.2 (twine#1251): Nexus, Artifactory, GitLab.
                 r"|Repository does not allow updating assets|(?:delete/)?overwrite artifact"
                 r"|File name has already been taken"),
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         File already exists ('example_project-0.2.0.tar.gz', with blake2_256 hash "
                 "'4f2a0c…'). See https://pypi.org/help/#file-name-reuse for more information."),
        cause=("That version is already on the index, and a file name can never be uploaded twice (not even after "
               "deleting it). Typically a tag was pushed without changing the version the build produces, or a "
               "finished release job was re-run. Nexus says `… cannot be updated`, a text `--skip-existing` does not "
               "know; pypiserver answers `409 Conflict`, Nexus `Repository does not allow updating assets`, "
               "Artifactory `… overwrite artifact …`, GitLab `File name has already been taken`. twine 6.2 and "
               "later skip only PyPI's and pypiserver's answers with `--skip-existing`."),
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
               "name (e.g. `widget-1.0.tar.gz` and `Widget-1.0.tar.gz`, sdists from several matrix jobs, a `.zip` "
               "next to the `.tar.gz`), or the version equals a released one (`1.54` and `1.54.0` are one version)."),
        fix=("Build one sdist, in one job, and upload it with the wheels; when the release already has its "
             "sdist, release a new version."),
        section="wheels.md", source=UPLOAD, rank=80,
    ),
    Message(
        id="local-version",
        title="The use of local versions is not allowed",
        # Older PyPI: `'0.1.dev9+g21a7230' is an invalid value for Version. Error: Can't use PEP 440 local versions.`
        # (A paste cut short keeps `The use of local versions in <Version('…+g…')>`.)
        pattern=(r"The use of local versions in .{1,80}? is not allowed|Can(?:'|no)t use PEP 440 local versions"
                 r"|The use of local versions in (?:<Version\()?'[^']*\+"
                 # A bare 400 after uploading a file whose version has a local part (`…dev12+gf82a0a5-py3…`).
                 r"|Uploading [A-Za-z0-9_.]+-\d[A-Za-z0-9_.!]*\+[A-Za-z0-9_.]*?[A-Za-z0-9]"
                 r"(?:-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+\.whl|\.tar\.gz|\.zip)(?=.*?\b400\b)"),
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
    # -- What twine or uv cannot read as a distribution ---------------------------------------------
    Message(
        id="unknown-dist-format",
        title="InvalidDistribution: Unknown distribution format",
        # twine `package.py`; uv: `File is neither a wheel nor a source distribution: `…``.
        # PyPI's own: `Invalid file extension: Use .tar.gz, .whl or .zip extension.`
        pattern=(r"Unknown distribution format: '[^']+'|File is neither a wheel nor a source distribution"
                 r"|Invalid file extension: "),
        example=("ERROR    InvalidDistribution: Unknown distribution format:\n"
                 "         'widget-1.0.0.tar.gz.publish.attestation'"),
        cause=("The upload (or `twine check`) was given a file that is not a wheel or an sdist (named in the "
               "quotes). In order of likelihood: (1) a `….publish.attestation` an earlier upload in the job wrote "
               "(TestPyPI first), read by a twine before 6.0 (`twine check dist/*` after that upload, or a "
               "second upload with an older twine); (2) another file in the artifact: a `.egg` (twine 6.1 "
               "dropped eggs; PyPI refuses them), a checksum or log, a `.tar.bz2`; (3) a folder: "
               "`download-artifact` of several artifacts without `merge-multiple: true` puts each in a "
               "subfolder of `dist/`, and the upload is given the folder (its name in the quotes). uv: `File is neither a wheel "
               "nor a source distribution`; PyPI: `Invalid file extension` (only `.whl`, `.tar.gz`, old `.zip`)."),
        fix=("Give the upload only distributions: build into a fresh `dist/` and upload `dist/*.whl dist/*.tar.gz`; "
             "run `twine check` before the first upload, not after it; for (1) upload to each index from its "
             "own job, or use twine ≥ 6.0 (current publish action releases bundle it); for (3) download the "
             "artifacts with `path: dist` and `merge-multiple: true`."),
        section="attestations.md", source=TWINE, rank=80,
    ),
    Message(
        id="invalid-dist-file",
        title="Invalid distribution file",
        # PyPI: `Invalid distribution file. <reason>` and the wheel checks after it; twine: a truncated archive.
        pattern=(r"Invalid distribution file[.:]|does not contain the required (?:RECORD|METADATA) file"
                 r"|has invalid entry points defined in the entry_points\.txt|No (?:PKG-INFO|METADATA) in archive"
                 r"|License-File \S+ does not exist in distribution file"
                 # The pre-2018 PyPI (pypi.python.org), through requests: `400 Client Error: invalid distribution
                 # file for url:`.
                 r"|Client Error: invalid distribution file for url"),
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Invalid distribution file. File is not a zipfile"),
        cause=("The archive is not a complete distribution of the kind its name says. The reason follows: "
               "`File is not a zipfile` / `File is not a tarfile` (truncated or not an archive at all, e.g. a "
               "failed artifact download or a Git LFS pointer), `PKG-INFO not found` / `WHEEL not found` or a "
               "wheel without its RECORD or METADATA (made or repacked by hand, or by a broken build "
               "step), a wheel whose `.dist-info` folder is not named as the file name says (an old setuptools "
               "or wheel kept a capitalised or un-normalised project name), a `License-File` the metadata names "
               "but the archive lacks, or invalid `entry_points.txt`. "
               "twine's `Invalid distribution file: '…'` is the truncated case. The pre-2018 PyPI answered "
               "`invalid distribution file` also for an archive format it does not take (`.tar.bz2`, "
               "`.tar.xz`): sdists are `.tar.gz`."),
        fix=("Rebuild with the build backend (`python -m build`, `uv build`) and upload the files unchanged; for a "
             "missing `License-File`, include the licence file in the sdist/wheel (or drop it from "
             "`license-files`); build sdists as `.tar.gz` (the `build` default). Run `twine check dist/*` in "
             "the build job."),
        source=UPLOAD, rank=80,
    ),
    Message(
        id="skip-existing-unsupported",
        title="--skip-existing is only for PyPI and TestPyPI (twine 6.2 and later)",
        pattern=r"does not have support for the following features: --skip-existing",
        example=("ERROR    UnsupportedConfiguration: The configured repository\n"
                 "         'https://nexus.example.com/repository/pypi-internal/' does not have support for the\n"
                 "         following features: --skip-existing and is an unsupported configuration"),
        cause=("twine 6.2.0 removed `--skip-existing` for every index but PyPI and TestPyPI (twine#1251: it "
               "recognised other indexes' \"file exists\" answers by their wording, which kept changing), and "
               "refuses the option before uploading anything when the repository URL is another index's."),
        fix=("Drop `--skip-existing` for that index and avoid the re-upload another way: upload only a version "
             "that is not there yet (check the index first), or use the index's own setting for re-deploys. "
             "Pinning `twine<6.2` keeps the old behaviour for now."),
        source=TWINE, rank=80,
    ),
    Message(
        id="dist-not-found",
        title="Cannot find file (or expand pattern)",
        # The action warns first: `MISSING DISTS << It looks like there are no Python distribution packages …`.
        pattern=(r"Cannot find file \(or expand pattern\)|Path patterns didn't match any wheels or source "
                 r"distributions|there are no Python distribution packages to publish in the directory"
                 r"|No files found to publish"
                 # actions/download-artifact v4+ in the publishing job, before any upload.
                 r"|Unable to download artifact\(s\): Artifact not found for name"),
        example="ERROR    InvalidDistribution: Cannot find file (or expand pattern): '/github/workspace/dist/*'",
        cause=("There is nothing to upload where the upload looks: the publishing job did not download the build "
               "artifact, downloaded it to another folder (`download-artifact` without `path: dist`, or into "
               "per-artifact subfolders), or `packages-dir` names the wrong folder. uv says `Path patterns "
               "didn't match any wheels or source distributions`. When `download-artifact` itself says `Artifact not "
               "found for name`, the name differs from the build job's `upload-artifact`, the build job did not "
               "run or upload in this run, the artifact expired (a re-run of an old run), or one side is "
               "`@v3` and the other `@v4` or later (they cannot read each other's artifacts)."),
        fix=("Download the artifact into `dist/` in the publishing job (`actions/download-artifact` with "
             "`path: dist` and `merge-multiple: true` for several artifacts) and keep `packages-dir` at its "
             "default `dist`; give `upload-artifact` and `download-artifact` the same name and major version, and "
             "let the publishing job `needs:` the build job."),
        section="workflow.md", source=TWINE, rank=70,
    ),
    # -- File names, platforms and sizes PyPI refuses ---------------------------------------------
    Message(
        id="platform-tag",
        title="Binary wheel has an unsupported platform tag",
        # Legacy PyPI (before 2018): `Binary wheel for an unsupported platform`.
        pattern=(r"Binary wheel '[^']+' has an unsupported platform tag|Binary wheel for an unsupported platform"
                 r"|\.whl'? has an unsupported platform tag"),
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Binary wheel 'widget-1.0-cp312-cp312-linux_x86_64.whl' has an unsupported platform tag "
                 "'linux_x86_64'."),
        cause=("PyPI accepts Linux wheels only with a `manylinux` or `musllinux` tag: this one was built directly "
               "on the runner (`python -m build` of an extension module gives `linux_x86_64`) and not repaired "
               "with auditwheel. Rarely, a new platform tag that PyPI does not know yet."),
        fix=("Build Linux wheels with cibuildwheel (it builds in manylinux/musllinux containers and runs "
             "auditwheel), or run `auditwheel repair` on them; otherwise upload only the sdist and the other "
             "platforms' wheels."),
        section="wheels.md", source=UPLOAD, rank=80,
    ),
    Message(
        id="filename-project-name",
        title="The file name does not match the project's normalised name or version",
        pattern=(r"Start filename for '[^']+' with|should contain the normalized project name"
                 r"|Filename '[^']+' is invalid, should be|Invalid source distribution filename"
                 # uv skips such a file before uploading: `… has a non-normalized filename (expected `…`), skipping`.
                 r"|has a non-normalized filename \(expected|Version in filename should be '[^']+' not"),
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Filename 'Widget-Tools-1.0.tar.gz' is invalid, should be 'widget_tools-1.0.tar.gz'."),
        cause=("PyPI wants file names that start with the project's normalised name (lower case, `_` for runs "
               "of `-_.`) and version (PEP 625, enforced for sdists since late 2025). In order of likelihood: "
               "(1) an older build backend (setuptools before 69.3, say) wrote `Widget-Tools-1.0.tar.gz`; "
               "(2) name or version in the file name differ from the metadata (`Start filename for …`, "
               "`Version in filename should be …`): a file renamed by hand, a backend taking the name elsewhere "
               "(maturin: `Cargo.toml`), a version computed twice; (3) an unreadable name. `uv publish` skips "
               "unnormalised names (`has a non-normalized filename`, e.g. `2025.09.4` for `2025.9.4`)."),
        fix=("Upgrade the build backend (e.g. `requires = [\"setuptools>=69.3\"]`) and rebuild; keep the "
             "files' names as the backend writes them, and make `[project].name` the name the files carry."),
        source=UPLOAD, rank=80,
    ),
    Message(
        id="file-too-large",
        title="File too large (or project size too large)",
        # uv: `Server returned status code 413 Payload Too Large`; twine: `HTTPError: 413 …`.
        pattern=r"(?:File|Project size) too large\. Limit for project|HTTPError: 413 |status code 413\b",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         File too large. Limit for project 'widget' is 100 MB. See "
                 "https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase for "
                 "more information."),
        cause=("One file is larger than the project's file size limit (100 MB unless PyPI raised it for the "
               "project); a 413 status is the same refusal before the index read the request. Usually data, "
               "tests, build leftovers or unstripped debug symbols went into the wheel or sdist. `Project size too "
               "large`: all the project's files together exceed its total limit (10 GB unless raised), "
               "typically many large wheels per release or accumulated dev releases."),
        fix=("Leave what the package does not need out of the distributions (check with `unzip -l` / `tar tzf`), "
             "strip binaries; for the project's total, delete files of old releases nobody needs (their names stay "
             "used) or publish dev builds elsewhere; or ask for a higher limit through the link in the message."),
        source=UPLOAD, rank=80,
    ),
    Message(
        id="release-closed",
        title="Uploading new files to releases older than 14 days is not allowed",
        pattern=r"Uploading new files to releases older than \d+ days is not allowed",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Uploading new files to releases older than 14 days is not allowed."),
        cause=("The upload adds a file to a release that was created more than 14 days ago (PyPI closes "
               "releases to new files then): a wheel for a new platform or Python added to an old version, or "
               "the release job of an old tag re-run."),
        fix="Release a new version (a post-release such as `1.0.0.post1` for only new wheels) with all its files.",
        command="release", source=UPLOAD, rank=80,
    ),
]
