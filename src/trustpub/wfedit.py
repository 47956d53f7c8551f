"""Editing workflow files so that only the lines that had to change do change.

A workflow is loaded round-trip (trustpub.repo.make_yaml), changed as a tree, and
dumped with the file's own indentation. ruamel.yaml's dump is not byte-exact
(it strips whitespace-only lines, drops a blank line after a nested mapping,
may re-indent), so the result is merged back: the dump of the *unchanged* tree
is aligned with the original text, and only the lines where the changed tree's
dump differs from it are replaced. Every other line is the user's, byte for byte.
If the merge cannot be placed safely (or would not read back as the changed
tree), the plain dump is used instead: correct, only less faithful.

The tree helpers move the blank lines and comments that ruamel attaches to
"the last scalar before them" when keys are inserted, removed or replaced, so
that a blank line between two jobs stays between them.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from trustpub.edit import Edit, read_exact
from trustpub.errors import BadInput
from trustpub.repo import WORKFLOWS_DIR, Repo, Workflow, load_workflow_text, make_yaml, read_text

MSG_NO_WORKFLOW = "{path}: no such workflow file"
MSG_NO_PUBLISHING = ("{dir}: no workflow uses pypa/gh-action-pypi-publish; "
                     "pass --workflow NAME to pick one")


# -- indentation ---------------------------------------------------------------
@dataclass(frozen=True)
class Indent:
    """ruamel's three numbers: nested mapping indent, sequence item indent, dash offset."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2


_KEY_ONLY_RE = re.compile(r"^(\s*)(?:-\s+)?[^\s#][^#]*:\s*(?:#.*)?$")


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def detect_indent(text: str) -> Indent:
    """The file's most common mapping indent, dash offset and sequence indent (offset + "-" and its spaces)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    maps: Counter[int] = Counter()
    offsets: Counter[int] = Counter()
    gaps: Counter[int] = Counter()
    for line in lines:
        body = line.lstrip(" ")
        if body.startswith("- ") or body == "-":
            gaps[len(body) - len(body[1:].lstrip(" ")) if body[1:].strip() else 2] += 1
    for prev, cur in zip(lines, lines[1:]):
        if not _KEY_ONLY_RE.match(prev) or prev.rstrip().endswith(("|", ">", "|-", ">-")):
            continue
        # The key's column: after the "- " when the key opens a sequence item.
        stripped = prev.lstrip(" ")
        key_col = _indent_of(prev) + (len(stripped) - len(stripped[1:].lstrip(" ")) if stripped.startswith("- ") else 0)
        cur_col = _indent_of(cur)
        if cur_col < key_col:
            continue
        if cur.lstrip(" ").startswith("- "):
            offsets[cur_col - key_col] += 1
        elif cur_col > key_col:
            maps[cur_col - key_col] += 1
    mapping = maps.most_common(1)[0][0] if maps else 2
    offset = offsets.most_common(1)[0][0] if offsets else mapping
    gap = gaps.most_common(1)[0][0] if gaps else 2
    return Indent(mapping, offset + max(gap, 2), offset)


# -- merging a dump back into the original text ---------------------------------
def merge_dump(original: str, base: str, new: str) -> str | None:
    """`original` with the changes between `base` and `new` applied; None when they cannot be placed.

    `base` is the dump of the unchanged tree, `new` of the changed tree; both are
    ruamel's rendering, so their differences are exactly the intended edits.
    """
    if base == new:
        return original
    o, b, n = (s.splitlines(keepends=True) for s in (original, base, new))
    # base line -> original line, ignoring indentation and trailing whitespace.
    b2o: dict[int, int] = {}
    sm = SequenceMatcher(None, [x.strip() for x in o], [x.strip() for x in b], autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(j2 - j1):
                b2o[j1 + k] = i1 + k

    def anchor(j: int) -> int | None:
        """The original line before which something inserted before base line `j` goes."""
        if j >= len(b):
            return len(o)
        if j in b2o:
            return b2o[j]
        if j - 1 in b2o:
            return b2o[j - 1] + 1
        return None

    hunks: list[tuple[int, int, list[str]]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, b, n, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:
            if any(k not in b2o for k in range(i1, i2)):
                return None
            start, end = b2o[i1], b2o[i2 - 1] + 1
            # Lines only the original has (e.g. a whitespace-only line ruamel dropped) inside the
            # replaced range stay, after the new line that stands for the base line they followed.
            gaps = {k: o[b2o[k] + 1:b2o[k + 1]] for k in range(i1, i2 - 1) if b2o[k + 1] > b2o[k] + 1}
            if gaps:
                hunks.append((start, end, _keep_gaps(b[i1:i2], n[j1:j2], {k - i1: v for k, v in gaps.items()})))
                continue
        else:
            start = anchor(i1)
            if start is None:
                return None
            end = start
        hunks.append((start, end, n[j1:j2]))
    result: list[str] = []
    pos = 0
    for start, end, lines in hunks:
        if start < pos:
            return None
        result.extend(o[pos:start])
        result.extend(lines)
        pos = end
    result.extend(o[pos:])
    # A hunk may land after a last line that had no newline.
    for i, line in enumerate(result[:-1]):
        if not line.endswith("\n"):
            result[i] = line + "\n"
    return "".join(result)


def _keep_gaps(base: list[str], new: list[str], gaps: dict[int, list[str]]) -> list[str]:
    """`new` with each `gaps[k]` placed after the new line paired with base line k."""
    if len(base) == len(new):
        pairs = {k: k for k in range(len(base))}
    else:
        def key(line: str) -> str:
            return line.split(":", 1)[0].strip()

        pairs = {}
        sm = SequenceMatcher(None, [key(x) for x in base], [key(x) for x in new], autojunk=False)
        for tag, a1, a2, b1, b2 in sm.get_opcodes():
            if tag in ("equal", "replace"):
                for t in range(min(a2 - a1, b2 - b1)):
                    pairs[a1 + t] = b1 + t
    after: dict[int, list[str]] = {}
    for k, lines in sorted(gaps.items()):
        # An unpaired base line: its gap follows the nearest paired line before it (or leads).
        m = max((pairs[x] for x in range(k + 1) if x in pairs), default=-1)
        after.setdefault(m, []).extend(lines)
    result = list(after.get(-1, []))
    for m, line in enumerate(new):
        result.append(line)
        result.extend(after.get(m, []))
    return result


def plain(node: Any) -> Any:
    """Plain Python data of a round-trip tree (for comparing two readings)."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node if node is None or isinstance(node, (bool, int, float)) else str(node)


# -- comments that ruamel hangs on the last scalar ----------------------------------
def _slot_index(container: Any) -> int:
    return 0 if isinstance(container, CommentedSeq) else 2


def _is_block(node: Any) -> bool:
    return isinstance(node, (CommentedMap, CommentedSeq)) and len(node) > 0 and not node.fa.flow_style()


def tail_holder(container: Any, key: Any) -> tuple[Any, Any]:
    """Where ruamel keeps the comment lines that follow item `key` of `container`."""
    value = container[key]
    while _is_block(value):
        container, key = value, (len(value) - 1 if isinstance(value, CommentedSeq) else list(value)[-1])
        value = container[key]
    return container, key


def _token(container: Any, key: Any) -> CommentToken | None:
    entry = container.ca.items.get(key)
    return entry[_slot_index(container)] if entry else None


def _set_token(container: Any, key: Any, token: CommentToken | None) -> None:
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    entry[_slot_index(container)] = token
    if all(x is None for x in entry):
        del container.ca.items[key]


def take_trailing(container: Any, key: Any) -> str:
    """Remove and return the lines after item `key` (blank lines, full-line comments); its end-of-line comment stays."""
    holder, hkey = tail_holder(container, key)
    tok = _token(holder, hkey)
    if tok is None or "\n" not in tok.value:
        return ""
    eol, rest = tok.value.split("\n", 1)
    if eol.strip():
        tok.value = eol + "\n"
    else:
        _set_token(holder, hkey, None)
    return rest


def peek_trailing(container: Any, key: Any) -> str:
    """The lines after item `key` (as `take_trailing` would return them), left in place."""
    holder, hkey = tail_holder(container, key)
    tok = _token(holder, hkey)
    return tok.value.split("\n", 1)[1] if tok is not None and "\n" in tok.value else ""


def put_trailing(container: Any, key: Any, lines: str) -> None:
    """Append comment lines after item `key` (its subtree's last scalar)."""
    if not lines:
        return
    holder, hkey = tail_holder(container, key)
    tok = _token(holder, hkey)
    if tok is None:
        _set_token(holder, hkey, CommentToken("\n" + lines, CommentMark(0), None))
    else:
        tok.value = tok.value + lines if tok.value.endswith("\n") else tok.value + "\n" + lines


def eol_comment(container: Any, key: Any) -> str:
    """The end-of-line comment of item `key` ("" when none); blank lines after it are not part of it."""
    tok = _token(container, key)
    if tok is None:
        return ""
    first = tok.value.split("\n", 1)[0]
    return first.strip()


def set_eol_comment(container: Any, key: Any, comment: str, gap: int = 2) -> None:
    """Set (or with "" remove) the end-of-line comment of a scalar item, keeping the lines after it."""
    tok = _token(container, key)
    rest = tok.value.split("\n", 1)[1] if tok is not None and "\n" in tok.value else ""
    if comment:
        value = comment + "\n" + rest
        if tok is not None and tok.value.split("\n", 1)[0].strip():
            tok.value = value  # keeps the user's comment column
        else:
            # ruamel writes one space before a column-0 comment; `gap` spaces in all.
            _set_token(container, key, CommentToken(" " * (gap - 1) + value, CommentMark(0), None))
    elif rest:
        _set_token(container, key, CommentToken("\n" + rest, CommentMark(0), None))
    else:
        _set_token(container, key, None)


def insert_key(mapping: CommentedMap, pos: int, key: Any, value: Any) -> None:
    """Insert `key: value` at `pos`; blank lines/comments that preceded the next item stay before it."""
    keys = list(mapping)
    trailing = take_trailing(mapping, keys[pos - 1]) if 0 < pos <= len(keys) else ""
    mapping.insert(pos, key, value)
    put_trailing(mapping, key, trailing)


def insert_item(seq: CommentedSeq, pos: int, value: Any) -> None:
    """Insert into a block sequence the same way as `insert_key`."""
    trailing = take_trailing(seq, pos - 1) if 0 < pos <= len(seq) else ""
    seq.insert(pos, value)
    # ruamel keys sequence comments by index: shift the ones after `pos`.
    items = seq.ca.items
    for idx in sorted((i for i in items if isinstance(i, int) and i >= pos), reverse=True):
        items[idx + 1] = items.pop(idx)
    put_trailing(seq, pos, trailing)


def remove_item(seq: CommentedSeq, pos: int) -> None:
    """Delete item `pos` of a block sequence; the lines that followed it move to the item before."""
    trailing = take_trailing(seq, pos)
    items = seq.ca.items
    items.pop(pos, None)
    del seq[pos]
    for idx in sorted(i for i in items if isinstance(i, int) and i > pos):
        items[idx - 1] = items.pop(idx)
    if trailing and pos > 0:
        put_trailing(seq, pos - 1, trailing)


def remove_key(mapping: CommentedMap, key: Any) -> None:
    """Delete `key` (with its end-of-line comment); the lines that followed it move to the item before."""
    keys = list(mapping)
    pos = keys.index(key)
    trailing = take_trailing(mapping, key)
    mapping.ca.items.pop(key, None)
    del mapping[key]
    if trailing and pos > 0:
        put_trailing(mapping, keys[pos - 1], trailing)


def replace_value(mapping: CommentedMap, key: Any, value: Any) -> None:
    """Set `mapping[key] = value`, keeping the lines that followed the old value after the new one."""
    trailing = take_trailing(mapping, key)
    mapping[key] = value
    put_trailing(mapping, key, trailing)


def flow_map(**items: Any) -> CommentedMap:
    m = CommentedMap(items)
    m.fa.set_flow_style()
    return m


def block_map(*pairs: tuple[str, Any]) -> CommentedMap:
    m = CommentedMap()
    for k, v in pairs:
        m[k] = v
    m.fa.set_block_style()
    return m


# -- one workflow file under edit -------------------------------------------------
@dataclass
class WorkflowEdit:
    """A workflow's text and a fresh round-trip tree to change; `edit()` gives the trustpub.edit.Edit."""

    path: Path
    relpath: str
    old: str                      # exactly as on disk
    backup: bool
    # Jobs of this workflow whose work needs id-token: write, from the repository's publishing model
    # (set by `run_fixer`, which sees the callers of reusable workflows too); None: read this file alone.
    id_token_jobs: set[str] | None = None
    workflow: Workflow = field(init=False)
    indent: Indent = field(init=False)
    newline: str = field(init=False)

    def __post_init__(self) -> None:
        self.newline = "\r\n" if "\r\n" in self.old else "\n"
        self.text = self.old.replace("\r\n", "\n")
        self.workflow = load_workflow_text(self.text, self.path, self.relpath)
        self.indent = detect_indent(self.text)

    @classmethod
    def open(cls, repo: Repo, relpath: str) -> "WorkflowEdit":
        path = repo.path(relpath)
        read_text(path, relpath)  # one-line BadInput for missing/binary/non-UTF-8
        return cls(path=path, relpath=relpath, old=read_exact(path), backup=not repo.is_tracked(relpath))

    @property
    def data(self) -> CommentedMap:
        return self.workflow.data

    def dump(self, data: Any) -> str:
        yaml = make_yaml()
        yaml.indent(mapping=self.indent.mapping, sequence=self.indent.sequence, offset=self.indent.offset)
        buf = io.StringIO()
        yaml.dump(data, buf)
        return buf.getvalue()

    def render(self) -> str:
        """The new text: the original with only the changed lines replaced."""
        base = self.dump(load_workflow_text(self.text, self.path, self.relpath).data)
        new = self.dump(self.data)
        merged = merge_dump(self.text, base, new)
        if merged is not None and merged != self.text:
            try:
                ok = plain(make_yaml().load(merged)) == plain(make_yaml().load(new))
            except Exception:  # noqa: BLE001 - a merge that does not parse falls back to the dump
                ok = False
            if not ok:
                merged = None
        if merged is None:
            merged = new
            # ruamel's dump drops a leading `---` document marker: keep the user's.
            first = self.text.split("\n", 1)[0]
            if first.rstrip() == "---" and not merged.startswith("---"):
                merged = first + "\n" + merged
        if merged == self.text:
            return self.old
        return merged.replace("\n", self.newline) if self.newline != "\n" else merged

    def edit(self) -> Edit:
        return Edit(path=self.path, old=self.old, new=self.render(), label=self.relpath, backup=self.backup)


# -- which workflows a fixer works on ------------------------------------------------
def workflow_name(name: str) -> str:
    """`release.yml` or `.github/workflows/release.yml` -> `release.yml`."""
    return Path(name).name


def file_model(wf: Workflow):
    """The publishing model of one workflow file on its own (scripts looked up from its repository)."""
    from trustpub.publishing import read_workflows

    root = Path(str(wf.path)[: -len(wf.relpath)] or ".") if str(wf.path).endswith(wf.relpath) else wf.path.parent
    return read_workflows(root, [wf])


def has_upload(wf: Workflow) -> bool:
    """Does this workflow hold an upload step (any tool), or call a reusable workflow of this repository?"""
    model = file_model(wf)
    return bool(model.uploads) or any(c.local for c in model.calls)


def target_workflows(repo: Repo, name: str | None,
                     wanted: Callable[[Workflow], bool] = has_upload) -> list[Workflow]:
    """The workflow named by --workflow, else every workflow that publishes."""
    if name:
        wf = repo.workflow(workflow_name(name))
        if wf is None:
            raise BadInput(MSG_NO_WORKFLOW.format(path=f"{WORKFLOWS_DIR}/{workflow_name(name)}"))
        return [wf]
    found = [wf for wf in repo.workflows if wanted(wf)]
    if not found:
        raise BadInput(MSG_NO_PUBLISHING.format(dir=WORKFLOWS_DIR))
    return found


def job_environment(job: Any) -> str | None:
    """The environment name of a job (`environment: pypi` or `environment: {name: pypi}`)."""
    env = job.get("environment") if isinstance(job, dict) else None
    if isinstance(env, dict):
        env = env.get("name")
    return str(env) if env not in (None, "") else None


# -- permissions ---------------------------------------------------------------------
ID_TOKEN = "id-token"
MSG_JOB_PERMISSIONS_SCALAR = ("permissions: {value} on a publishing job: replace it with a mapping that "
                              "lists id-token: write")


def set_block_permissions(job: CommentedMap, perms: CommentedMap) -> None:
    """Give a job its own `permissions:` block, before `steps:` (or last)."""
    keys = list(job)
    if "permissions" in job:
        replace_value(job, "permissions", perms)
    else:
        insert_key(job, keys.index("steps") if "steps" in keys else len(keys), "permissions", perms)


def drop_permission(owner: CommentedMap, name: str) -> bool:
    """Remove `name` from `owner["permissions"]` (a mapping); an emptied block becomes `{}`. True when changed."""
    perms = owner.get("permissions")
    if not isinstance(perms, dict) or name not in perms:
        return False
    if len(perms) == 1:
        replace_value(owner, "permissions", flow_map())
    else:
        remove_key(perms, name)
    return True


def grant_id_token(workflow_data: CommentedMap, job: CommentedMap, comment: str = "") -> str | None:
    """Make sure `job` has `id-token: write` of its own. Returns a problem when it cannot.

    A job with no `permissions:` of its own inherits the workflow's; once it has
    its own block it gets only what that block lists, so the workflow-level keys
    (other than id-token) are copied into it, or `contents: read` (what checkout
    needs) when the workflow sets none. `comment` (e.g. the one that explained
    the workflow-level id-token) goes on the new id-token line.
    """
    perms = job.get("permissions")
    if isinstance(perms, dict):
        if perms.get(ID_TOKEN) == "write":
            return None
        if ID_TOKEN in perms:
            perms[ID_TOKEN] = "write"
        elif not perms:  # `permissions: {}` becomes a block; the lines after it stay after it
            new = block_map((ID_TOKEN, "write"))
            if comment:
                set_eol_comment(new, ID_TOKEN, comment)
            replace_value(job, "permissions", new)
        else:
            insert_key(perms, len(perms), ID_TOKEN, "write")
            if comment and not perms.fa.flow_style():
                set_eol_comment(perms, ID_TOKEN, comment)
        return None
    if perms == "write-all":
        return None  # already has it (too much else, which zizmor reports)
    if perms is not None:
        return MSG_JOB_PERMISSIONS_SCALAR.format(value=perms)
    inherited = workflow_data.get("permissions")
    new = CommentedMap()
    if isinstance(inherited, dict):
        for k, v in inherited.items():
            if k != ID_TOKEN:
                new[k] = v
    else:
        new["contents"] = "read"
    new[ID_TOKEN] = "write"
    if comment:
        set_eol_comment(new, ID_TOKEN, comment)
    set_block_permissions(job, new)
    return None


MSG_WORKFLOW_WRITE_ALL = ("permissions: write-all at workflow level gives every job id-token: write; "
                          "replace it with the permissions the jobs need (e.g. contents: read)")
MSG_JOB_WRITE_ALL = ("job {job}: permissions: write-all also grants id-token: write to a job that "
                     "does not publish; list only the permissions it needs")


def limit_id_token(we: WorkflowEdit) -> list[str]:
    """id-token: write on each publishing job, nowhere else; returns what could not be fixed."""
    wf, data = we.workflow, we.data
    model = file_model(wf)
    # Grant where a trusted upload runs (or a caller starts one); never take it from a job that needs it.
    needed = we.id_token_jobs if we.id_token_jobs is not None else model.jobs_needing_id_token(wf.relpath)
    publishing = {u.job for u in model.uploads if u.trusted} | (needed - {o.job for o in model.oidc_uses})
    keep = needed | publishing
    problems: list[str] = []
    top = data.get("permissions")
    # The comment that explained the workflow-level grant moves with it.
    comment = eol_comment(top, ID_TOKEN) if isinstance(top, dict) and ID_TOKEN in top else ""
    # Job-level grants first: a job without permissions copies the workflow-level ones.
    for job_id in sorted(j for j in publishing if j in wf.jobs):
        problem = grant_id_token(data, wf.jobs[job_id], comment)
        if problem:
            problems.append(f"job {job_id}: {problem}")
    if data.get("permissions") == "write-all":
        problems.append(MSG_WORKFLOW_WRITE_ALL)
    drop_permission(data, ID_TOKEN)
    for job_id in sorted(keep - publishing):
        job = wf.jobs.get(job_id)
        if job is not None and "permissions" not in job and isinstance(top, dict) and top.get(ID_TOKEN) == "write":
            grant_id_token(data, job, comment)  # an attestation job that inherited it keeps it, on its own
    for job_id, job in wf.jobs.items():
        if job_id in keep:
            continue
        if job.get("permissions") == "write-all":
            problems.append(MSG_JOB_WRITE_ALL.format(job=job_id))
        drop_permission(job, ID_TOKEN)
    return problems


# -- the shape every workflow fixer shares ----------------------------------------------
WORKFLOW_HELP = ("the workflow file to fix, e.g. release.yml "
                 "(default: every workflow that uses pypa/gh-action-pypi-publish)")

Fix = Callable[[WorkflowEdit, Any], list[str]]


def add_workflow_option(parser: Any) -> None:
    parser.add_argument("--workflow", metavar="NAME", help=WORKFLOW_HELP)


def run_fixer(args: Any, fix: Fix, what: str,
              wanted: Callable[[Workflow], bool] | None = None) -> int:
    """Apply `fix` to each target workflow, then show/confirm/write through trustpub.edit.

    `fix` changes `WorkflowEdit.data` in place and returns what it could not fix
    (one line each). Exit code: 0 fixed or nothing to do, 1 not applied or a problem left.
    """
    from trustpub.cli import info
    from trustpub.edit import apply_edits

    repo = Repo.open(args.repo)
    targets = target_workflows(repo, getattr(args, "workflow", None), wanted or has_upload)
    from trustpub.publishing import read_repo

    model = read_repo(repo)  # the whole repository: callers of reusable workflows grant their id-token
    edits: list[Edit] = []
    problems: list[str] = []
    for wf in targets:
        we = WorkflowEdit.open(repo, wf.relpath)
        we.id_token_jobs = model.jobs_needing_id_token(wf.relpath)
        problems += [f"{wf.relpath}: {p}" for p in fix(we, args)]
        edits.append(we.edit())
    code = apply_edits(edits, yes=args.yes, dry_run=args.dry_run, what=what)
    for p in problems:
        info(p)
    return code or (1 if problems else 0)
