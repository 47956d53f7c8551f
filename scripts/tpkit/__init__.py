"""tpkit: the shared model behind the Trusted Publishing guide's scripts and checklist.

One reading of a repository (workflows, git remote and tags, `.pypirc`) serves
the checklist, the fix scripts and the site's macros.
"""
