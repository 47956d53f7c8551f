"""The checklist page body comes from the registry: every check, its fix as a link, the JSON schema."""

from __future__ import annotations

import json
import re

from markdown_it import MarkdownIt

from macros.checklist import doc_section_title, render_checklist_markdown
from trustpub.checks import CHECKS, GROUPS
from trustpub.config import Subject

SUBJECT = Subject("widget", "acme", "widget")
REPO_URL = "https://github.com/acme/widget"


def page() -> str:
    return render_checklist_markdown(SUBJECT, REPO_URL)


def test_every_check_is_on_the_page_with_its_verifies_sentence_and_fix():
    text = page()
    for c in CHECKS:
        row = next((line for line in text.splitlines() if f'<span id="{c.id.lower()}"></span>`{c.id}`' in line), None)
        assert row is not None, c.id
        assert f"`{c.slug}`" in row and c.title in row and c.verifies.replace("|", "\\|") in row
        if c.fix_script:
            assert f"[`scripts/{c.fix_script}`]({REPO_URL}/blob/main/scripts/{c.fix_script})" in row
        else:
            assert f"]({c.doc})" in row


def test_ids_on_the_page_are_exactly_the_registry():
    found = set(re.findall(r"\bTP\d{3}\b", page()))
    assert found == {c.id for c in CHECKS}


def test_groups_in_order_and_doc_links_name_their_section():
    text = page()
    positions = [text.index(f"### {heading} {{ #{group} }}") for group, heading in GROUPS.items()
                 if any(c.group == group for c in CHECKS)]
    assert positions == sorted(positions)
    assert doc_section_title("tokens.md#revoke", SUBJECT) == "Remove old API tokens: 2. Revoke the token on PyPI"
    assert doc_section_title("2fa.md#nope", SUBJECT) == "Two-factor authentication"


def test_the_schema_block_is_the_schema_file_and_valid_json():
    tokens = MarkdownIt("commonmark").parse(page())
    fences = [t for t in tokens if t.type == "fence"]
    schema = [t for t in fences if t.info.strip().startswith("json")]
    assert len(schema) == 1
    assert json.loads(schema[0].content)["properties"]["schema"]["const"] == "tp-checklist/2"
    assert any(t.info.strip().startswith("bash") and "--offline" in t.content for t in fences)


def test_every_doc_anchor_of_the_registry_exists_in_the_docs():
    from macros.checklist import DOCS, _heading_re

    for c in CHECKS:
        if not c.doc or c.doc.startswith("https://"):
            continue
        page, _, anchor = c.doc.partition("#")
        assert (DOCS / page).is_file(), f"{c.id}: docs/{page} does not exist"
        if anchor:
            assert _heading_re(anchor).search((DOCS / page).read_text(encoding="utf-8")), \
                f"{c.id}: docs/{page} has no heading {{ #{anchor} }}"
