"""The checklist page, generated from the registry of checks (`trustpub.checks.CHECKS`).

The page and `scripts/checklist.py` read the same registry, so the ids, titles,
what each check verifies and the fix cannot disagree. `render_checklist_markdown`
is a plain function (tests call it without MkDocs); `register` wraps it.
"""

from __future__ import annotations

import re
from pathlib import Path

from trustpub.checks import CHECKS, GROUPS, SCHEMA_ID, Check
from trustpub.config import Subject

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCHEMA_PATH = "src/trustpub/checklist.schema.json"

STATUS_MEANINGS = [
    ("pass", "The item holds; the evidence says where it was seen."),
    ("fail", "The item does not hold; the evidence names the file and line, and the fix column the script or section "
             "that fixes it. Any `fail` makes the command exit 1."),
    ("warn", "Something to look at that the checklist cannot call wrong (an expression it cannot evaluate, a fixed "
             "version tag, a low-severity zizmor finding). Does not fail."),
    ("manual", "Only you can confirm it (on PyPI or GitHub); the evidence links the page to check. Does not fail."),
    ("skip", "Not checked, with the reason: `offline`, no release tags yet, no GitHub remote, PyPI did not answer. "
             "Does not fail."),
]

def _heading_re(anchor: str) -> re.Pattern[str]:
    """A heading with an explicit `{ #anchor }` (how this guide's pages name their sections)."""
    return re.compile(r"^#+\s+(?P<text>.+?)\s*\{\s*#" + re.escape(anchor) + r"\s*\}\s*$", re.M)


_TP_VAR_RE = re.compile(r"\[\[\[\s*tp\.(\w+)\s*\]\]\]")


def _page_title(page: str) -> str:
    path = DOCS / page
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return page


def doc_section_title(doc: str, subject: Subject) -> str:
    """The heading text a `page.md#anchor` points at, as the reader sees it (for the link text)."""
    page, _, anchor = doc.partition("#")
    title = _page_title(page)
    path = DOCS / page
    if anchor and path.is_file():
        m = _heading_re(anchor).search(path.read_text(encoding="utf-8"))
        if m:
            section = _TP_VAR_RE.sub(lambda v: str(getattr(subject, v.group(1), v.group(0))), m.group("text"))
            return f"{title}: {section}"
    return title


def script_url(name: str, repo_url: str) -> str:
    """The script on GitHub: the site helper's link when the script exists, else the same address."""
    from macros import site
    from trustpub.errors import BadInput

    try:
        return site.script_url(name, repo_url)
    except BadInput:  # not written yet: the agreement test reports scripts that docs link but nobody wrote
        source = repo_url if isinstance(repo_url, site.ToolkitSource) else site.ToolkitSource(repo_url)
        return f"{source.repo_url.rstrip('/')}/blob/{source.ref}/scripts/{name}"


def fix_markdown(check: Check, subject: Subject, repo_url) -> str:
    if check.fix_script:
        from trustpub.commands import BY_SCRIPT

        command = BY_SCRIPT.get(check.fix_script)
        link = f"[`scripts/{check.fix_script}`]({script_url(check.fix_script, repo_url)})"
        return f"`trustpub {command.name}` ({link})" if command else link
    if check.doc and check.doc.startswith(("http://", "https://")):
        return f"[{check.doc.split('//', 1)[1].rstrip('/')}]({check.doc})"
    if check.doc:
        return f"[{doc_section_title(check.doc, subject)}]({check.doc})"
    return ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def checks_table(subject: Subject, repo_url: str) -> str:
    parts: list[str] = []
    for group, heading in GROUPS.items():
        members = [c for c in CHECKS if c.group == group]
        if not members:
            continue
        parts += [f"### {heading} {{ #{group} }}", ""]
        if group == "pypi" or any(c.online for c in members):
            parts += ["Asked over the network (PyPI's JSON and Integrity APIs); `skip` with `--offline`.", ""]
        if group == "zizmor":
            parts += ["zizmor reports each audit with findings as its own result, `TP301.<audit>` "
                      "(e.g. `TP301.unpinned-uses`); with no findings, `TP301` passes.", ""]
        parts += ["| Id | Check | What it verifies | Fix |", "| --- | --- | --- | --- |"]
        for c in members:
            ident = f'<span id="{c.id.lower()}"></span>`{c.id}`<br>`{c.slug}`'
            parts.append(f"| {ident} | {_cell(c.title)} | {_cell(c.verifies)} | {_cell(fix_markdown(c, subject, repo_url))} |")
        parts.append("")
    return "\n".join(parts)


def schema_block() -> str:
    text = (ROOT / SCHEMA_PATH).read_text(encoding="utf-8")
    return f'``` json title="{SCHEMA_PATH}"\n{text if text.endswith(chr(10)) else text + chr(10)}```'


def render_checklist_markdown(subject: Subject, repo_url=None) -> str:
    """The body of the checklist page: how to run it, what the statuses mean, every check, the JSON schema.

    `repo_url` is the guide's own repository (a URL or a macros.site.ToolkitSource), where scripts/ is."""
    from macros.ci import ci_section

    repo_url = repo_url or subject.repo_url
    checklist = f"`trustpub check` ([`scripts/checklist.py`]({script_url('checklist.py', repo_url)}))"
    statuses = "\n".join(f"| `{s}` | {_cell(m)} |" for s, m in STATUS_MEANINGS)
    n_auto = sum(1 for c in CHECKS if not c.manual)
    n_manual = sum(1 for c in CHECKS if c.manual)
    return f"""\
{checklist} checks a repository (and, unless `--offline`, PyPI) against every item below and says, item by item,
what holds, what does not, the evidence (file and line where there is one) and the fix. It has {n_auto} automatic
checks and {n_manual} items only you can confirm, which it lists as `manual` so the output is the whole checklist.
Without options it checks the current directory against the publisher configured for this guide:
`{subject.project}` from `{subject.slug}`, workflow `{subject.workflow}`, environment `{subject.environment}`.

## Run it {{ #run }}

``` bash
trustpub check --repo .                  # this repository, PyPI included
trustpub check --repo . --offline        # no network: PyPI items skip
trustpub check --repo ../mypkg --project mypkg
trustpub check --repo . --format json > checklist.json
trustpub check --repo . --format sarif > checklist.sarif
```

(Not installed? `uvx trustpub check --repo .` runs it without installing: see
[Get the toolkit](scripts.md#get-the-toolkit).)

Exit status: `0` when nothing fails (`warn`, `manual` and `skip` don't fail), `1` when a check fails, `2` for bad
input or usage (not a git repository, no workflow, a workflow that is not valid YAML, an unreadable `.pypirc`, an
unknown option), with one line saying what is wrong. PyPI is asked concurrently, each request with a timeout and all
of them within one time budget; a PyPI that does not answer makes its items `skip` with the reason, never `fail`.
Colour is used only on a terminal, and never when `NO_COLOR` is set. Tokens found in `.pypirc` or
`TWINE_PASSWORD` are shown redacted, never whole.

| Status | Meaning |
| --- | --- |
{statuses}

## The checks {{ #checks }}

Ids and slugs are stable: scripts and CI can select checks with `--only TP105` or `--only publish-environment`.

{checks_table(subject, repo_url)}
{ci_section(repo_url)}
## JSON output {{ #json }}

`--format json` (or `--json`) prints one object in the `{SCHEMA_ID}` format: the subject checked, a summary with the count of each status
and the exit status, and one entry per result with `id`, `slug`, `title`, `group`, `status`, `evidence` and `fix`
(a script name, a `page.md#section` of this guide, or a URL). New fields may be added; a change in meaning gets a
new schema name. The schema:

{schema_block()}
"""


def register(env, subject: Subject) -> None:
    from macros.toolkit import toolkit_source

    from mkdocs.exceptions import PluginError
    from trustpub.errors import BadInput

    try:
        repo_url = toolkit_source(env.conf)
    except BadInput as exc:
        raise PluginError(str(exc)) from None
    env.macro(lambda: render_checklist_markdown(subject, repo_url), "checklist_markdown")
