"""What version a build produces, as far as pyproject.toml tells."""

from __future__ import annotations

import pytest

from trustpub.errors import BadInput
from trustpub.pyproject import build_version, parse_pyproject


@pytest.mark.parametrize("text, kind, version", [
    ('[project]\nname = "x"\nversion = "1.2.3"\n', "static", "1.2.3"),
    ('[project]\nname = "x"\ndynamic = ["version"]\n[build-system]\nrequires = ["setuptools", "setuptools-scm>=8"]\n',
     "from-tags", None),
    ('[project]\nname = "x"\ndynamic = ["version"]\n[tool.hatch.version]\nsource = "vcs"\n', "from-tags", None),
    ('[project]\nname = "x"\ndynamic = ["version"]\n[tool.hatch.version]\npath = "x/__init__.py"\n', "dynamic", None),
    ('[tool.poetry]\nname = "x"\nversion = "0.4.0"\n', "static", "0.4.0"),
    ('[project]\nname = "x"\n', "missing", None),
])
def test_build_version(text, kind, version):
    result = build_version(parse_pyproject(text, "pyproject.toml"))
    assert (result.kind, result.version) == (kind, version)


def test_bad_toml_is_one_line_naming_the_file():
    with pytest.raises(BadInput, match=r"^pyproject\.toml: not valid TOML"):
        parse_pyproject("[project\n", "pyproject.toml")
