"""Remove old PyPI API tokens from `.pypirc` (Step 3 of the guide).

Removes every option whose value holds a `pypi-` token (normally `password`,
including its continuation lines), every comment line holding a whole token
(a commented-out token is still a live credential), and a section left with
nothing but a `username`. Everything else stays byte for byte: BOM, CRLF/LF,
comments, unicode, order. `[distutils] index-servers` is left alone (twine
fills in defaults for a listed `pypi`/`testpypi`, so `-r NAME` keeps working).

Shows the diff (tokens redacted) and asks first; writes a backup `.pypirc.bak`
(tokens redacted in it, never more readable than 0600) and keeps the file's mode.
Removing a token from the file does not revoke it: revoke it on PyPI too.

Exit: 0 removed or nothing to do, 1 not applied (declined, no terminal) or a
token left where this script cannot remove it, 2 bad input (unparseable INI).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from trustpub.cli import info, make_parser, out, run
from trustpub.config import INDEXES
from trustpub.edit import Edit, apply_edits
from trustpub.errors import BadInput, CannotFix
from trustpub.pypirc import PYPIRC_ENV, default_pypirc_path, read_pypirc, token_line

MSG_NO_FILE = "nothing to do: no .pypirc at {path}"
MSG_NO_TOKEN = "nothing to do: {path} holds no PyPI API token"
MSG_FOUND = "token in {path} {where}"
MSG_SECTION = "section [{name}] is left with nothing but a username: removing it"
MSG_INDEX_SERVERS = ("[distutils] index-servers still lists {names}: left as is (twine falls back to its "
                     "defaults for them; the credentials now come from trusted publishing, keyring or a prompt)")
MSG_LEFT = "{path}: line {line} holds a token where no option or comment is; remove it by hand (nothing changed)"
MSG_REVOKE = "now revoke the token(s) on the index: {urls}"
MSG_GIVEN_MISSING = "{path}: no such file"


def build_parser():
    parser = make_parser(
        "scrub_pypirc.py",
        __doc__,
        subject=False,
    )
    parser.add_argument("--pypirc", metavar="PATH",
                        help=f"the file to scrub (default: ${PYPIRC_ENV}, else ~/.pypirc)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    path = Path(args.pypirc).expanduser() if args.pypirc else default_pypirc_path()
    pypirc = read_pypirc(path)
    if pypirc is None:
        if args.pypirc:
            raise BadInput(MSG_GIVEN_MISSING.format(path=path))
        info(MSG_NO_FILE.format(path=path))
        return 0
    new_text, findings, removed_sections = pypirc.scrubbed()
    if not findings:
        if pypirc.has_token:  # e.g. in a section name: not an entry this script may remove
            info(MSG_LEFT.format(path=path, line=token_line(pypirc.text)))
            return 1
        info(MSG_NO_TOKEN.format(path=path))
        return 0
    for f in findings:
        out(MSG_FOUND.format(path=path, where=f.where))
    for name in removed_sections:
        out(MSG_SECTION.format(name=name))
    listed = pypirc.index_servers
    still_listed = [n for n in removed_sections if n in listed]
    if still_listed:
        info(MSG_INDEX_SERVERS.format(names=", ".join(still_listed)))
    leftover = token_line(new_text)
    if leftover:
        raise CannotFix(MSG_LEFT.format(path=path, line=leftover))
    edit = Edit(path=path, old=pypirc.text, new=new_text, label=str(path), backup=True)
    code = apply_edits([edit], yes=args.yes, dry_run=args.dry_run, what=f"{path} holds no token")
    if code == 0 and not args.dry_run:
        info(MSG_REVOKE.format(urls=" and ".join(f"{base}/manage/account/#api-tokens" for base in INDEXES.values())))
    return code


if __name__ == "__main__":  # python -m trustpub.commands.scrub_pypirc
    run(main)
