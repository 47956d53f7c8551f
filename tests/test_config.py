"""The subject is configuration: validation names the key, and every URL comes from the index base."""

from __future__ import annotations

import pytest

from trustpub.config import INDEXES, Subject, normalize_project, subject_from_mapping, subject_from_site_config
from trustpub.errors import BadInput

VALID = {"project": "My_Pkg", "owner": "acme", "repository": "widget"}


def test_defaults_fill_everything_but_the_identity():
    s = subject_from_mapping(VALID)
    assert (s.workflow, s.environment, s.index) == ("release.yml", "pypi", "pypi")


@pytest.mark.parametrize("key", ["project", "owner", "repository"])
def test_missing_identity_key_is_named(key):
    values = {k: v for k, v in VALID.items() if k != key}
    with pytest.raises(BadInput, match=rf"extra\.tp\.{key} is missing"):
        subject_from_mapping(values, source="site.yml")


@pytest.mark.parametrize("values, key", [
    ({**VALID, "index": "warehouse"}, "index"),
    ({**VALID, "workflow": ".github/workflows/release.yml"}, "workflow"),
    ({**VALID, "owner": "acme/widget"}, "owner"),
    ({**VALID, "project": "bad name"}, "project"),
    ({**VALID, "environment": 3}, "environment"),
    ({**VALID, "colour": "blue"}, "colour"),
])
def test_bad_values_fail_with_one_line_naming_the_key(values, key):
    with pytest.raises(BadInput) as exc:
        subject_from_mapping(values, source="site.yml")
    msg = str(exc.value)
    assert msg.startswith("site.yml: extra.tp.") and key in msg and "\n" not in msg


def test_every_index_link_is_built_from_the_one_base_url():
    s = subject_from_mapping(VALID)
    base = INDEXES["pypi"]
    links = [s.project_url, s.publishing_url, s.pending_publisher_url, s.token_url, s.two_factor_url,
             s.json_url, s.provenance_url("1.0", "my_pkg-1.0.tar.gz")]
    assert all(link.startswith(base + "/") for link in links)
    assert s.publishing_url == base + "/manage/project/my-pkg/settings/publishing/"
    assert s.provenance_url("1.0", "my_pkg-1.0.tar.gz") == base + "/integrity/my-pkg/1.0/my_pkg-1.0.tar.gz/provenance"


def test_upload_urls_are_the_real_endpoints(monkeypatch):
    monkeypatch.delenv("TP_INDEX_URL", raising=False)
    s = subject_from_mapping(VALID)
    assert s.upload_url == "https://upload.pypi.org/legacy/"
    assert s.for_index("testpypi").upload_url == "https://test.pypi.org/legacy/"
    monkeypatch.setenv("TP_INDEX_URL", "http://127.0.0.1:9")
    assert s.upload_url == "http://127.0.0.1:9/legacy/"


def test_testpypi_switches_every_link(monkeypatch):
    monkeypatch.delenv("TP_INDEX_URL", raising=False)
    s = subject_from_mapping({**VALID, "index": "testpypi"})
    assert s.project_url.startswith(INDEXES["testpypi"] + "/") and s.index_name == "TestPyPI"
    assert dict(s.publisher_form())["Environment name"] == "testpypi"


def test_index_url_env_override_points_links_elsewhere(monkeypatch):
    monkeypatch.setenv("TP_INDEX_URL", "http://127.0.0.1:9/")
    assert subject_from_mapping(VALID).json_url == "http://127.0.0.1:9/pypi/my-pkg/json"


def test_github_links_use_owner_and_repository():
    s = Subject(project="x", owner="acme", repository="widget")
    assert s.secrets_url == "https://github.com/acme/widget/settings/secrets/actions"
    assert s.workflow_runs_url.endswith("/actions/workflows/release.yml")


def test_normalize_project_follows_pep_503():
    assert normalize_project("Foo.Bar__baz") == "foo-bar-baz"


def test_site_config_reads_extra_tp_and_ignores_python_tags(tmp_path):
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text("site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
                   "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                   "extra:\n  tp:\n    project: other\n    owner: someone\n    repository: thing\n")
    s = subject_from_site_config(cfg)
    assert (s.project, s.owner, s.repository) == ("other", "someone", "thing")


def test_site_config_without_tp_is_none(tmp_path):
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text("site_name: x\n")
    assert subject_from_site_config(cfg) is None


def test_unparseable_site_config_names_file_and_line(tmp_path):
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text("site_name: [x\n")
    with pytest.raises(BadInput, match=r"mkdocs\.yml:.*not valid YAML"):
        subject_from_site_config(cfg)
