"""macros/jinja_cache.py: compiled page code is reused only for the same text and settings."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import Environment, TemplateSyntaxError

from macros.jinja_cache import MAX_ENTRIES, environment_key, install

ROOT = Path(__file__).resolve().parent.parent
MARKERS = {"block_start_string": "[[%", "block_end_string": "%]]", "variable_start_string": "[[[",
           "variable_end_string": "]]]", "comment_start_string": "[[#", "comment_end_string": "#]]"}
PAGE = ("# [[[ project ]]]\n\n`${{ github.ref }}` and `${#x}` stay text.\n"
        "[[% for v in versions %]]\n- [[[ v ]]]\n[[% endfor %]]\n")


def counting_env(**settings) -> tuple[Environment, list[str]]:
    """An environment whose real compiler records each source it compiles."""
    env = Environment(**{**MARKERS, **settings})
    compiled: list[str] = []
    real = env.compile

    def compile(source, *args, **kwargs):
        compiled.append(source)
        return real(source, *args, **kwargs)

    env.compile = compile
    return env, compiled


def render(env: Environment) -> str:
    return env.from_string(PAGE).render(project="widget", versions=["1.0", "2.0"])


def test_a_second_build_reuses_the_compiled_page_and_renders_the_same(tmp_path):
    plain = Environment(**MARKERS).from_string(PAGE).render(project="widget", versions=["1.0", "2.0"])
    first, compiled_first = counting_env()
    assert install(first, tmp_path) is True
    assert render(first) == plain and compiled_first == [PAGE]
    second, compiled_second = counting_env()  # a new build: a new environment, the same folder
    install(second, tmp_path)
    assert render(second) == plain and compiled_second == []  # from the disk, not compiled
    assert "${{ github.ref }}" in plain and "${#x}" in plain


def test_the_real_pages_compile_to_the_same_code_with_and_without_the_cache(tmp_path):
    for page in sorted((ROOT / "docs").glob("*.md")):
        source = page.read_text(encoding="utf-8")
        fresh = Environment(**MARKERS).compile(source)
        for _ in range(2):  # stored, then loaded
            cached = Environment(**MARKERS)
            install(cached, tmp_path)
            assert marshal.dumps(cached.compile(source)) == marshal.dumps(fresh), page.name


def test_a_changed_page_or_setting_is_compiled_again(tmp_path):
    env, _ = counting_env()
    install(env, tmp_path)
    render(env)
    changed, compiled = counting_env()
    install(changed, tmp_path)
    changed.from_string(PAGE + "\nmore").render(project="w", versions=[])
    assert compiled == [PAGE + "\nmore"]
    other, compiled = counting_env(trim_blocks=True)  # same text, other whitespace rule: other code
    install(other, tmp_path)
    assert render(other) != render(Environment(**MARKERS)) and compiled == [PAGE]
    with_filter, compiled = counting_env()
    with_filter.filters["shout"] = str.upper  # filters are checked when compiling
    install(with_filter, tmp_path)
    render(with_filter)
    assert compiled == [PAGE]


def test_environment_key_is_the_same_in_another_process_and_differs_with_the_settings():
    code = ("import json, sys; from jinja2 import Environment; from macros.jinja_cache import environment_key; "
            "print(environment_key(Environment(**json.loads(sys.argv[1]), finalize=str)))")
    res = subprocess.run([sys.executable, "-c", code, json.dumps(MARKERS)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'scripts'}"})
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == environment_key(Environment(**MARKERS, finalize=str))
    assert environment_key(Environment(**MARKERS)) != environment_key(Environment())
    assert environment_key(Environment(**MARKERS)) != environment_key(Environment(**MARKERS, finalize=str))


@pytest.mark.parametrize("damage", [b"", b"garbage", b"j2" + b"\x00" * 40, None])
def test_a_damaged_entry_is_a_miss(tmp_path, damage):
    env, _ = counting_env()
    install(env, tmp_path)
    expected = render(env)
    [entry] = list(tmp_path.iterdir())
    if damage is None:  # a valid header, then a cut-off body
        entry.write_bytes(entry.read_bytes()[:-20])
    else:
        entry.write_bytes(damage)
    again, compiled = counting_env()
    install(again, tmp_path)
    assert render(again) == expected and compiled == [PAGE]


def test_a_folder_that_cannot_be_made_leaves_the_environment_alone(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    env, compiled = counting_env()
    assert install(env, blocker / "cache") is False
    assert render(env) and compiled == [PAGE]


def test_an_unwritable_folder_still_renders(tmp_path, monkeypatch):
    from jinja2.bccache import FileSystemBytecodeCache

    def full_disk(self, bucket):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemBytecodeCache, "dump_bytecode", full_disk)
    env, compiled = counting_env()
    install(env, tmp_path)
    assert render(env) == render(Environment(**MARKERS)) and compiled == [PAGE]


def test_a_syntax_error_is_raised_as_without_the_cache_and_not_stored(tmp_path):
    env = Environment(**MARKERS)
    install(env, tmp_path)
    with pytest.raises(TemplateSyntaxError):
        env.from_string("[[% if %]]")
    assert list(tmp_path.iterdir()) == []


def test_installing_twice_wraps_once_and_a_full_folder_is_emptied(tmp_path):
    for i in range(MAX_ENTRIES + 1):
        (tmp_path / f"old-{i}.jinja").write_bytes(b"x")
    env = Environment(**MARKERS)
    assert install(env, tmp_path) is True and list(tmp_path.iterdir()) == []
    wrapped = env.compile
    assert install(env, tmp_path) is False and env.compile is wrapped
