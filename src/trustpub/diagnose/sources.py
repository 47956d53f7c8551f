"""Who prints a case's text: the "Printed by" line of each troubleshooting section, named once."""

ACTION = "pypa/gh-action-pypi-publish"
WAREHOUSE = "PyPI (token exchange, `/_/oidc/mint-token`)"
UPLOAD = "PyPI upload endpoint (via twine, the action or `uv publish`)"
TWINE = "twine (`twine check` or `twine upload`, also inside the publish action)"
UV = "`uv publish`"
POETRY = "poetry (`poetry config`, `poetry publish`)"
GITHUB = "GitHub Actions"
# The publish action's release whose bundled twine reads metadata 2.5 (trustpub.pins records the same pin).
ACTION_FIX_PIN = "v1.14.2 (commit `dc37677b2e1c63e2034f94d8a5b11f265b73ba33`)"
