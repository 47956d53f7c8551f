"""macros/troubleshooting.py: the page's cases come from the diagnosis table; the example output is a real run."""

from __future__ import annotations

import re

from macros.site import known_scripts
from macros.troubleshooting import diagnose_example, render_troubleshooting_markdown
from trustpub.config import Subject
from trustpub.diagnose import MESSAGES

SUBJECT = Subject(project="widget", owner="octo-org", repository="widget", workflow="release.yml")


def test_every_case_rendered_with_a_working_script_link():
    md = render_troubleshooting_markdown(SUBJECT, "https://github.com/octo-org/widget")
    available = set(known_scripts())
    for m in MESSAGES:
        assert f"{{ #{m.id} }}" in md and m.example in md
        if m.script in available:
            assert f"(https://github.com/octo-org/widget/blob/main/scripts/{m.script})" in md
        elif m.script:
            assert f"`scripts/{m.script}`" in md  # named, not linked to a page that does not exist
    assert md.count("\n### ") + md.startswith("### ") == len(MESSAGES)


def test_each_fix_names_its_command_once_then_its_source():
    md = render_troubleshooting_markdown(SUBJECT, "https://github.com/octo-org/widget")
    runs = re.findall(r"Run `trustpub ([\w-]+)` \(source: ([^\n]*?)\)\.", md)
    assert len(runs) == sum(bool(m.command) + bool(m.local_command) for m in MESSAGES)
    for command, source in runs:
        assert "trustpub" not in source and source.startswith(("[`scripts/", "`scripts/")), (command, source)


def test_example_is_a_real_diagnose_run_against_the_sites_configuration():
    block = diagnose_example(SUBJECT)
    log, output = block.split("```console\n", 1)
    assert "* `invalid-publisher`" in log
    assert output.startswith("$ trustpub diagnose failed-job.log\n[invalid-publisher]")
    # the repository's own mkdocs.yml is what the run compares with: the example's renamed workflow differs
    wf = next(line for line in output.splitlines() if line.strip().startswith("Workflow name"))
    assert "publish.yml" in wf and "differs" in wf
    assert re.search(r"Environment name\s+\(none\)", output)
