"""trustpub: the Trusted Publishing guide's toolkit (checklist, diagnosis, fixers).

One reading of a repository (workflows, git remote and tags, `.pypirc`) serves
the checklist, the fix scripts and the site's macros. Run it as `trustpub`.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("trustpub")
except _metadata.PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+unknown"
