"""The advice held-out batch 8 found missing: each case's fix names what fixed the real threads.

The logs for the reading bugs are in the corpus (tests/data/logs/134-140); these are the cases whose
text was recognised but whose advice did not cover the real fix (tests/data/logs/README.md, batch 8).
"""

from __future__ import annotations

from trustpub.diagnose import MESSAGES_BY_ID, diagnose


def test_license_field_unrecognised_names_packaging_24_2():
    # twine 6.1 with packaging 24.0/24.1 still refuses License-File (twine#1216): upgrading twine alone is not enough.
    m = MESSAGES_BY_ID["license-field-unrecognised"]
    assert "packaging` ≥ 24.2" in m.fix
    assert "packaging>=24.2" in m.local_fix


def test_invalid_auth_offers_a_new_token_besides_trusted_publishing():
    fix = MESSAGES_BY_ID["invalid-auth"].fix
    assert "Trusted Publishing" in fix and "create a new one" in fix and "secret" in fix


def test_oidc_failure_after_the_fallback_notice_names_an_empty_secret():
    log = ("Notice: Attempting to perform trusted publishing exchange to retrieve a temporary short-lived API token "
           "for authentication against https://test.pypi.org/legacy/ due to __token__ username with no supplied "
           "password field\nError: Trusted publishing exchange failure: \nOpenID Connect token retrieval failed: "
           "GitHub: missing or insufficient OIDC token permissions, the ACTIONS_ID_TOKEN_REQUEST_TOKEN environment "
           "variable was unset\n")
    result = diagnose(log)
    first, second = result.shown[:2]
    # Both readings are named, the empty secret among them, before the plain permissions case.
    assert first.id == "no-password-no-oidc-token" and second.id == "oidc-permissions"
    assert "empty token secret" in first.title and "id-token: write" in first.title
    assert "`password:` input" in first.cause and "skip the upload when it is empty" in first.fix
    assert "no supplied password field" in second.cause and "skip the upload" in second.fix


def test_oidc_failure_without_the_fallback_notice_is_a_missing_permission_only():
    log = ("Error: Trusted publishing exchange failure: \nOpenID Connect token retrieval failed: GitHub: missing or "
           "insufficient OIDC token permissions, the ACTIONS_ID_TOKEN_REQUEST_TOKEN environment variable was unset\n")
    assert [m.id for m in diagnose(log).shown] == ["oidc-permissions"]


def test_environment_protection_is_not_only_about_tags():
    m = MESSAGES_BY_ID["environment-protection"]
    assert "branch" in m.cause and 'Branch \\"main\\"' not in m.cause and 'Branch "main"' in m.cause
    assert "start the release from the tag" in m.fix


def test_a_prohibited_name_can_be_asked_for():
    assert "PEP 541" in MESSAGES_BY_ID["name-not-allowed"].fix


def test_one_sdist_covers_an_equal_version_and_a_zip():
    m = MESSAGES_BY_ID["one-sdist"]
    assert "`1.54` and `1.54.0`" in m.cause and ".zip" in m.cause
    assert "new version" in m.fix


def test_pypi_side_token_texts_of_march_2024_are_pypis_fault():
    m = MESSAGES_BY_ID["invalid-api-token"]
    for text in ("caveat must be an array", "token with user restriction without a user"):
        assert text in m.cause
    log = ("Error uploading to repository: https://upload.pypi.org/legacy/ - Client error '403 Invalid API Token: "
           "caveat must be an array' for url 'https://upload.pypi.org/legacy/'\n")
    assert diagnose(log).shown[0].id == "invalid-api-token"
