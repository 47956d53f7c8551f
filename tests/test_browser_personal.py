"""The reader's own values ("Your project") and the in-page diagnosis, in headless Chromium.

The form is filled with the keyboard; then on every page no configured value stays visible, every
marked value and link shows the reader's, a code block's copy button copies the personal text,
badges give way to a note, and instant navigation, a shared link and "Clear" behave. The
troubleshooting page's box diagnoses logs with trustpub's own code on Pyodide: the same cases and
values as `trustpub diagnose --json`, with no request after the paste beyond the site's own files.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from urllib.parse import urlencode, urlsplit

import pytest

from _browser import serve, visit
from test_browser import _unavailable, base_url, browser, site  # noqa: F401 - shared fixtures
from trustpub.commands import diagnose as diagnose_command
from trustpub.config import Subject
from trustpub.diagnose import MESSAGES, example_log

pytestmark = pytest.mark.browser

PERSONAL = {"project": "Acme_Widget.Core", "owner": "acme-org", "repository": "widget-core",
            "workflow": "publish.yml", "environment": "release", "index": "pypi"}
DERIVED = {"project_slug": "acme-widget-core", "dist_name": "acme_widget_core", "index_name": "PyPI",
           "index_url": "pypi.org", "upload_url": "upload.pypi.org/legacy/"}
FIELD_LABELS = {"project": "PyPI project name", "owner": "GitHub owner (user or organisation)",
                "repository": "GitHub repository", "workflow": "Workflow file (in .github/workflows/)",
                "environment": "GitHub environment"}
# What the page's visible text must not show once personal values are set: the configured values
# that name nothing else (the environment "pypi" is also the index's name; release.yml is checked
# through the marked spans).
def _toolkit_repository() -> str:
    import tomllib

    from _rendered import ROOT

    source = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Source"]
    return source.rstrip("/").split("github.com/", 1)[1]


TOOLKIT_REPOSITORY = _toolkit_repository()  # e.g. leok974/trustpub: the toolkit, named on pages as such
GUIDE_REPO_LINK = ".md-source"  # the header's link to this guide's own repository (not the reader's)
VISIBLE_TEXT = """(sel) => {
  const skip = Array.from(document.querySelectorAll(sel));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || skip.some(s => s.contains(el)) || !el.checkVisibility()) continue;
    out.push(n.textContent);
  }
  document.querySelectorAll('.mermaid').forEach(m => { if (m.shadowRoot) out.push(m.shadowRoot.textContent); });
  return out.join(' ');
}"""


def _configured(site) -> dict[str, str]:
    html = (site.site / "index.html").read_text(encoding="utf-8")
    start = html.index('id="tp-personal-data">') + len('id="tp-personal-data">')
    return json.loads(html[start:html.index("</script>", start)])["defaults"]


def _fill_form_with_keyboard(page, values: dict[str, str]) -> None:
    page.locator("body").press("Tab")  # skip link first; the form's button is in the header
    for _ in range(25):
        if page.evaluate("document.activeElement && document.activeElement.id") == "tp-personal-open":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "tp-personal-open", "the form's button is not in the Tab order"
    page.keyboard.press("Enter")
    assert page.locator("#tp-personal-dialog").is_visible()
    assert page.evaluate("document.activeElement.id") == "tp-field-project", "the form does not start at its first field"
    for key, label in FIELD_LABELS.items():
        box = page.get_by_label(label, exact=True)  # named by its <label>, as a screen reader says it
        assert box.evaluate("e => e.id") == page.evaluate("document.activeElement.id"), f"focus order: {key}"
        page.keyboard.type(values[key])
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "tp-field-index"
    page.get_by_label("Package index", exact=True).select_option(values["index"])
    page.get_by_role("button", name="Show my values").click()


def _personal_problems(page, configured: dict[str, str]) -> list[str]:
    expected = {**PERSONAL, **DERIVED}
    problems = []
    for key, text in page.eval_on_selector_all("[data-tp]", "els => els.map(e => [e.dataset.tp, e.textContent])"):
        if text != expected[key]:
            problems.append(f"span {key} shows {text!r}")
    for href in page.eval_on_selector_all("[data-tp-href]", "els => els.map(e => e.getAttribute('href'))"):
        if configured["project"] in href or f"/{configured['owner']}/" in href:
            problems.append(f"link still names the configured subject: {href}")
    # The toolkit's own repository (where `uses: owner/trustpub@…` points) is not the reader's.
    visible = page.evaluate(VISIBLE_TEXT, GUIDE_REPO_LINK).replace(TOOLKIT_REPOSITORY, "")
    for value in (configured["project"], configured["owner"]):
        if value in visible:
            at = visible.index(value)
            problems.append(f"visible text still shows {value!r}: …{visible[max(0, at - 80):at + 40]!r}…")
    return problems


@pytest.fixture(scope="module")
def instant_site(site, tmp_path_factory):
    """A copy of the site whose sitemap lists the local server (Material navigates instantly only there)."""
    copy = tmp_path_factory.mktemp("instant") / "site"
    shutil.copytree(site.site, copy)
    published = site.pages[0]["site_url"].rstrip("/") + "/"
    with serve(copy) as url:
        sitemap = copy / "sitemap.xml"
        sitemap.write_text(sitemap.read_text(encoding="utf-8").replace(published, url), encoding="utf-8")
        yield url


def test_personal_values_replace_the_subject_on_every_page(site, instant_site, browser):
    configured = _configured(site)
    v = visit(browser, instant_site + site.page("index.md")["url"])
    try:
        p = v.page
        v.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=instant_site.rstrip("/"))
        assert p.locator("#tp-personal-open").is_visible()
        _fill_form_with_keyboard(p, PERSONAL)
        p.wait_for_function("document.documentElement.classList.contains('tp-personal-on')")
        assert json.loads(p.evaluate("localStorage.getItem('tp-personal')")) == PERSONAL
        assert p.locator(".tp-badges").first.is_hidden() and p.locator(".tp-badges-note").first.is_visible()
        assert p.evaluate("window.tpSamePage = true") is True
        problems = {}
        for page in sorted(site.pages, key=lambda pg: pg["src_path"]):
            p.goto(instant_site + page["url"], wait_until="networkidle")
            if p.locator(".md-content .mermaid").count():
                p.locator(".md-content .mermaid svg").first.wait_for(state="attached")
            found = _personal_problems(p, configured)
            if found:
                problems[page["src_path"]] = found
        assert not problems, json.dumps(problems, indent=1)
        # Instant navigation (no page load): the new page's values are filled in too.
        p.goto(instant_site + site.page("2fa.md")["url"], wait_until="networkidle")
        p.evaluate("window.tpSamePage = true")
        p.locator('a.md-tabs__link[href$="checklist/"]').first.click()
        p.wait_for_function("location.pathname.endsWith('/checklist/')")
        p.wait_for_load_state("networkidle")
        assert p.evaluate("window.tpSamePage === true"), "a full page load, not instant navigation"
        assert _personal_problems(p, configured) == []
        # The copy button copies what the reader sees: the command with their values.
        block = p.locator(".md-content .highlight", has_text="trustpub check --repo .").first
        block.hover()
        block.locator('button.md-code__button[data-md-type="copy"], button.md-clipboard').first.click()
        copied = p.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == ("trustpub check --repo . --project Acme_Widget.Core --owner acme-org "
                                  "--repository widget-core --workflow publish.yml --environment release --index pypi")
        # A diagram reached by instant navigation is drawn with the reader's values too.
        p.locator("a.md-tabs__link").first.click()  # the overview, with the diagram
        p.locator(".md-content .mermaid svg").first.wait_for(state="visible")
        assert p.evaluate("window.tpSamePage === true"), "a full page load, not instant navigation"
        diagram = p.evaluate("document.querySelector('.md-content .mermaid').shadowRoot.textContent")
        assert "publish.yml" in diagram, diagram[-400:]  # the overview's diagram names the workflow
        assert "release.yml" not in diagram
        assert v.foreign_requests(instant_site) == [] and v.page_errors == [] and v.console_errors == []
    finally:
        v.close()


def test_workflow_page_marks_the_changed_lines(site, base_url, browser):
    v = visit(browser, base_url + site.page("workflow.md")["url"])
    try:
        p = v.page
        p.evaluate("values => window.tpPersonal.set(values)", PERSONAL)
        changed = p.locator(".highlight .tp-changed").all_inner_texts()
        assert any("name: release" in line for line in changed), changed
        title = p.locator(".highlight .filename").first.inner_text()
        assert title == ".github/workflows/publish.yml", title
        # Lines that do not name the subject are not marked.
        assert not any("permissions" in line for line in changed), changed
        p.evaluate("window.tpPersonal.set(null)")
        assert p.locator(".highlight .tp-changed").count() == 0
        assert p.locator(".highlight .filename").first.inner_text() == ".github/workflows/release.yml"
    finally:
        v.close()


def test_a_shared_link_sets_the_values_and_clear_restores_the_guide(site, base_url, browser):
    configured = _configured(site)
    query = urlencode({f"tp_{k}": v for k, v in PERSONAL.items()})
    v = visit(browser, base_url + site.page("publisher.md")["url"] + "?" + query)
    try:
        p = v.page
        assert _personal_problems(p, configured) == []
        assert json.loads(p.evaluate("localStorage.getItem('tp-personal')")) == PERSONAL
        p.locator("#tp-personal-open").click()
        p.get_by_role("button", name=f"Clear (show {configured['project']})").click()
        assert p.evaluate("localStorage.getItem('tp-personal')") is None
        shown = p.eval_on_selector_all("[data-tp='project']", "els => els.map(e => e.textContent)")
        assert shown and set(shown) == {configured["project"]}
        # A value the site would refuse in mkdocs.yml is refused by the form too, with a message.
        p.get_by_label("PyPI project name", exact=True).fill("not a name!")
        p.get_by_role("button", name="Show my values").click()
        assert p.locator("#tp-error-project").inner_text() == "not a valid name"
        # The owner and repository are the reader's to give: left empty, they are not the guide's.
        assert p.locator("#tp-error-owner").inner_text() == "required"
        assert p.evaluate("localStorage.getItem('tp-personal')") is None
    finally:
        v.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_form_at_phone_width(scheme, site, base_url, browser, tmp_path):
    from _browser import VIEWPORT
    from test_browser import SCREENSHOTS

    context = browser.new_context(viewport={"width": 375, "height": 740}, color_scheme=scheme, service_workers="block")
    try:
        p = context.new_page()
        p.goto(base_url + site.page("troubleshooting.md")["url"], wait_until="networkidle")
        button = p.locator("#tp-personal-open")
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        button.click()
        dialog = p.locator("#tp-personal-dialog")
        dbox = dialog.bounding_box()
        assert dbox and dbox["x"] >= 0 and dbox["x"] + dbox["width"] <= 375, dbox
        for label in FIELD_LABELS.values():
            field = p.get_by_label(label, exact=True).bounding_box()
            assert field and field["x"] + field["width"] <= 375, (label, field)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(SCREENSHOTS / f"your-project-phone-{scheme}.png"))
        p.keyboard.press("Escape")
        assert not dialog.is_visible()
        assert p.evaluate("document.activeElement.id") == "tp-personal-open", "focus does not return to the button"
        p.locator("#tp-diagnose").screenshot(path=str(SCREENSHOTS / f"diagnose-box-phone-{scheme}.png"))
        assert VIEWPORT["width"] > 375
    finally:
        context.close()


# -- the in-page diagnosis --------------------------------------------------------

def cli_report(log: str, subject: dict[str, str], tmp_path) -> dict:
    """`trustpub diagnose --json` on the log, with the subject's values on the command line."""
    path = tmp_path / "failed-job.log"
    path.write_text(log, encoding="utf-8")
    from _rendered import ROOT

    args = ["--repo", str(ROOT), *(f"--{k}={v}" for k, v in subject.items()), "--json", str(path)]
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = diagnose_command.main(args)
    assert code in (0, 1)
    return json.loads(buffer.getvalue())


def comparable(report: dict) -> dict:
    """What the page and the command must agree on (not where the log or the values came from)."""
    return {k: v for k, v in report.items() if k not in ("source", "configured_from")}


def corpus() -> dict[str, str]:
    logs = {f"example:{m.id}": m.example for m in MESSAGES}
    logs["example_log"] = example_log(Subject(project="mcp-devdiag", owner="leok974", repository="mcp-devdiag"))
    logs["example_log:personal"] = example_log(Subject(**{k: PERSONAL[k] for k in ("project", "owner", "repository")}))
    from _rendered import ROOT

    folder = ROOT / "tests" / "data" / "logs"  # the diagnose test corpus, when there is one
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        if path.is_file():
            logs[f"corpus:{path.name}"] = path.read_text(encoding="utf-8", errors="replace")
    return logs


def test_pasted_log_is_diagnosed_in_the_page_without_any_request(site, base_url, browser):
    configured = _configured(site)
    v = visit(browser, base_url + site.page("troubleshooting.md")["url"])
    try:
        p = v.page
        before = list(v.requests)
        assert not any("/pyodide/" in u for u in before), "Pyodide loaded before the box was used"
        assert "nothing you paste is sent anywhere" in p.locator("#tp-diagnose-note").inner_text()
        log = example_log(Subject(project=configured["project"], owner=configured["owner"],
                                  repository=configured["repository"]))
        p.locator("#tp-diagnose-log").fill(log)
        p.wait_for_selector("#tp-diagnose[data-diagnosed]", timeout=120_000)
        after = v.requests[len(before):]
        origin = urlsplit(base_url)
        foreign = [u for u in after if urlsplit(u).netloc != origin.netloc]
        not_static = [u for u in after if urlsplit(u).path.rsplit("/", 1)[-1] not in
                      ("diagnose-run.mjs", "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
                       "python_stdlib.zip", "pyodide-lock.json", "trustpub-diagnose.json")]
        assert foreign == [] and not_static == [], after
        # Once ready, another paste makes no request at all.
        count = len(v.requests)
        p.locator("#tp-diagnose-log").fill(log + "\nError: Trusted publishing exchange failure:\n")
        p.wait_for_selector('#tp-diagnose[data-diagnosed="2"]')
        assert v.requests[count:] == []
        report = json.loads(p.locator("#tp-diagnose-result").get_attribute("data-report"))
        assert [m["id"] for m in report["matches"] if m["shown"]] == ["invalid-publisher"]
        differs = p.locator(".tp-diagnose__differs th").all_inner_texts()
        assert differs == ["Workflow name", "Environment name"], differs
        assert v.page_errors == [] and v.console_errors == []
    finally:
        v.close()


def test_a_log_that_names_no_index_gets_both_indexes_labelled(site, base_url, browser):
    """Issue 12: with no clue to the index, the page says so and links both, not one that may be wrong."""
    configured = _configured(site)
    subject = Subject(project=configured["project"], owner=configured["owner"], repository=configured["repository"])
    log = example_log(subject)
    log = log.replace("  with:\n", "").replace("    repository-url: https://upload.pypi.org/legacy/\n", "")
    assert "pypi.org" not in log  # nothing left that names an index
    v = visit(browser, base_url + site.page("troubleshooting.md")["url"])
    try:
        p = v.page
        p.locator("#tp-diagnose-log").fill(log)
        p.wait_for_selector("#tp-diagnose[data-diagnosed]", timeout=120_000)
        result = p.locator("#tp-diagnose-result")
        assert "The index must have" in result.locator(".tp-diagnose__publisher").inner_text()
        assert "does not say which index" in result.inner_text()
        items = result.locator(".tp-diagnose__indexes li")
        assert items.count() == 2
        pypi, testpypi = items.all_inner_texts()
        slug = subject.project_slug
        assert pypi.startswith("PyPI:") and f"https://pypi.org/manage/project/{slug}/" in pypi
        assert testpypi.startswith("TestPyPI:") and f"https://test.pypi.org/manage/project/{slug}/" in testpypi
        # Without claims there is no values table, but still where to register.
        p.locator("#tp-diagnose-log").fill("* `invalid-publisher`: valid token, but no corresponding publisher\n")
        p.wait_for_selector('#tp-diagnose[data-diagnosed="2"]')
        assert result.locator(".tp-diagnose__publisher").count() == 0
        assert result.locator(".tp-diagnose__indexes li").count() == 2
        assert v.page_errors == [] and v.console_errors == []
    finally:
        v.close()


@pytest.mark.parametrize("values", ["configured", "personal"])
def test_page_and_command_line_agree_on_every_log(values, site, base_url, browser, tmp_path):
    subject = _configured(site) if values == "configured" else PERSONAL
    v = visit(browser, base_url + site.page("troubleshooting.md")["url"])
    try:
        p = v.page
        if values == "personal":
            p.evaluate("values => window.tpPersonal.set(values)", PERSONAL)
        p.evaluate("""async (base) => {
            const m = await import(base + 'assets/javascripts/diagnose-run.mjs');
            window.tpRun = await m.load(document.getElementById('tp-diagnose-status'));
            window.tpValues = m.values();
        }""", base_url)
        disagreements = {}
        logs = corpus()
        assert len(logs) >= len(MESSAGES) + 2
        for name, log in logs.items():
            page_report = json.loads(p.evaluate(
                "log => window.tpRun(log, JSON.stringify(window.tpValues.values), window.tpValues.from)", log))
            cli = cli_report(log, subject, tmp_path)
            if comparable(page_report) != comparable(cli):
                disagreements[name] = {"page": comparable(page_report), "cli": comparable(cli)}
            if name.startswith("example:"):
                case = name.split(":", 1)[1]
                assert case in [m["id"] for m in page_report["matches"]], f"{case}: its own example is not recognised"
        assert not disagreements, json.dumps(disagreements, indent=1)[:6000]
        assert v.foreign_requests(base_url) == []
    finally:
        v.close()
