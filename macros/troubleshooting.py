"""Macros for docs/troubleshooting.md: the diagnosis table rendered, and a real `trustpub diagnose` run.

The cases come from `trustpub.diagnose.MESSAGES`, the same table `trustpub diagnose`
matches logs against, so the page and the script cannot drift apart.
"""

from __future__ import annotations

from macros.personal import mark_values, marked
from macros.site import ROOT, SiteError, known_scripts, run_cache_dir, run_script, script_link
from trustpub.diagnose import example_log, render_troubleshooting_markdown as render_cases

RUN_TIMEOUT = 20.0  # seconds for one diagnose.py run at build time
MSG_RUN_FAILED = "diagnose_example: `trustpub diagnose` exited {code}: {why}"


def render_troubleshooting_markdown(subject, repo_url: str | None = None) -> str:
    """Every known error as a section (exact text, cause, fix, link to the script that fixes it)."""
    repo_url = repo_url or subject.repo_url
    available = set(known_scripts())

    def link(name: str) -> str:
        # The section names the command already ("Run `trustpub …` (source: <link>)").
        # A script another part of the project has not written yet is named, not linked to a 404.
        return script_link(name, repo_url) if name in available else f"`scripts/{name}`"

    return render_cases(marked(subject), link)


def diagnose_example_output(subject) -> str:
    """The real output of `diagnose.py` on `example_log(subject)`, compared with this site's configuration."""
    log = example_log(subject)
    subject_args = [f"--{key}={getattr(subject, key)}"  # this site's subject, not the repo's mkdocs.yml
                    for key in ("project", "owner", "repository", "workflow", "environment", "index")]
    # Cached between builds until diagnose.py, trustpub or the input change (macros.site.run_script).
    res = run_script("diagnose.py", ["--repo", str(ROOT), *subject_args, "-"], input_text=log,
                     timeout=RUN_TIMEOUT, cache_dir=run_cache_dir())
    if res.returncode != 0:
        raise SiteError(MSG_RUN_FAILED.format(code=res.returncode, why=(res.stderr.strip().splitlines() or ["?"])[-1]))
    return res.stdout.rstrip("\n")


def diagnose_example(subject) -> str:
    """The example log (text block) and the diagnosis of it (console block)."""
    log = example_log(subject).rstrip("\n")
    output = diagnose_example_output(subject)
    return (f'```text title="failed-job.log"\n{mark_values(log, subject)}\n```\n\n'
            f"```console\n$ trustpub diagnose failed-job.log\n{_mark_output(output, subject)}\n```")


def _mark_output(output: str, subject) -> str:
    """diagnose.py's output with the configured values marked: names anywhere, the environment in
    its row of the comparison (elsewhere "pypi" is also the index)."""
    lines = []
    for line in mark_values(output, subject, ("project", "owner", "repository", "workflow")).split("\n"):
        label = "Environment name "
        if line.lstrip().startswith(label):
            cut = line.index(label) + len(label)
            line = line[:cut] + mark_values(line[cut:], subject, ("environment",))
        lines.append(line)
    return "\n".join(lines)


def register(env, subject) -> None:
    from mkdocs.exceptions import PluginError

    from macros.toolkit import toolkit_source

    from mkdocs.exceptions import PluginError
    from trustpub.errors import BadInput

    try:
        repo_url = toolkit_source(env.conf)
    except BadInput as exc:
        raise PluginError(str(exc)) from None

    def guarded(func):
        def wrapper(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except SiteError as exc:
                raise PluginError(str(exc)) from None
        wrapper.__name__ = func.__name__
        return wrapper

    env.macro(guarded(lambda: render_troubleshooting_markdown(subject, repo_url)), "troubleshooting_cases")
    env.macro(guarded(lambda: diagnose_example(subject)), "diagnose_example")
