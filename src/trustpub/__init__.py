"""trustpub: the Trusted Publishing guide's toolkit (checklist, diagnosis, fixers).

One reading of a repository (workflows, git remote and tags, `.pypirc`) serves
the checklist, the fix scripts and the site's macros. Run it as `trustpub`.
"""


def __getattr__(name: str):
    # `__version__` is read from the installed metadata when first asked for, not on import:
    # importlib.metadata (email, zipfile, csv) is most of the import time of `trustpub.diagnose`,
    # which the troubleshooting page runs in the browser, where that time is the reader's wait.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import metadata

    try:
        version = metadata.version("trustpub")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        version = "0+unknown"
    globals()["__version__"] = version
    return version


def _refuse_library_module_as_main() -> None:
    """`python -m trustpub.<library module>` would import it and exit 0 silently: say how to run the toolkit.

    runpy imports the parent packages (this one first) before it runs the module, with sys.argv[0]
    set to "-m"; sys.orig_argv holds the module name asked for. The runnable modules are
    `trustpub` itself, `trustpub.__main__` and the commands (`trustpub.commands.<command>`)."""
    import sys

    if sys.argv[:1] != ["-m"]:
        return
    argv = list(getattr(sys, "orig_argv", []))
    name = next((argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "-m"), None)
    if name is None or not name.startswith("trustpub.") or name == "trustpub.__main__":
        return
    from pathlib import Path

    where = Path(__file__).resolve().parent.joinpath(*name.split(".")[1:])
    if not (where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()):
        return  # no such module: Python's own "No module named ..." says it
    from trustpub.commands import COMMANDS

    runnable = {f"trustpub.commands.{c.module}" for c in COMMANDS}
    if name not in runnable:
        sys.stderr.write(MSG_LIBRARY_MODULE.format(module=name))
        raise SystemExit(2)


MSG_LIBRARY_MODULE = ("{module} is part of the toolkit's library, not a command: "
                      "run `trustpub --help` (or `python -m trustpub --help`) for the commands\n")
_refuse_library_module_as_main()
