"""Reading a whole log: every case it shows, the most specific first, with the claims and the index.

A wrapper line (the action's `Trusted publishing exchange failure`, uv's refused
exchange, a bare `400 Bad Request`) is shown only when nothing more specific is
in the log; among the specific cases, the higher `rank` comes first (a refused
exchange's own code before a follow-on error), then the one found first in the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trustpub.diagnose.claims import PublisherValues, extract_claims, publisher_from_claims
from trustpub.diagnose.index import infer_index
from trustpub.diagnose.model import Message, script_of
from trustpub.diagnose.normalise import flatten, normalise_log, where_from
from trustpub.diagnose.table import MESSAGES, MESSAGES_BY_ID

REUSABLE_FROM_CLAIMS = "reusable-workflow-claims"
CLAIMS_WITHOUT_REASON = "claims-without-reason"
REGISTRATION_COMMAND = "publisher-values"  # the cases whose fix is the publisher's registration


@dataclass
class Diagnosis:
    matches: list[Message]                       # every recognised case, the one to read first first
    claims: dict[str, str | None] = field(default_factory=dict)
    claims_format: str | None = None
    publisher: PublisherValues | None = None
    index: str | None = None                     # the index the failed upload went to, when the log says
    index_evidence: str | None = None
    place: str | None = None                     # "ci", "local" (a maintainer's terminal), None: not known

    @property
    def shown(self) -> list[Message]:
        """What to tell the user: the specific cases, or the wrappers when nothing more specific matched."""
        specific = [m for m in self.matches if not m.generic]
        return specific or list(self.matches)

    @property
    def recognised(self) -> bool:
        return bool(self.matches or self.publisher)

    def advice(self, message: Message) -> tuple[str, str | None]:
        """(fix, `trustpub` subcommand or None) for this case, fitted to where the log comes from."""
        return message.advice(self.place)

    @property
    def wants_registration(self) -> bool:
        """A case whose fix is registering the publisher, with no claims to compare: still say where."""
        return self.publisher is None and any(self.advice(m)[1] == REGISTRATION_COMMAND for m in self.shown)

    @property
    def commands(self) -> list[str]:
        seen: list[str] = []
        for m in self.shown:
            command = self.advice(m)[1]
            if command and command not in seen:
                seen.append(command)
        return seen

    @property
    def scripts(self) -> list[str]:
        return [script_of(c) for c in self.commands]


def _order(found: list[tuple[Message, int]]) -> list[Message]:
    table_pos = {m.id: i for i, m in enumerate(MESSAGES)}
    found.sort(key=lambda mp: (mp[0].generic, -mp[0].rank, mp[1], table_pos[mp[0].id]))
    ordered = [m for m, _ in found]
    # A low-ranked warning that names the cause of a refusal in the same log goes just before it.
    for cause in [m for m in ordered if m.explains]:
        effects = [i for i, m in enumerate(ordered) if m.id in cause.explains]
        if effects and min(effects) < ordered.index(cause):
            ordered.remove(cause)
            ordered.insert(min(effects), cause)
    return ordered


def diagnose(text: str) -> Diagnosis:
    lines = normalise_log(text)
    flat = flatten(lines)
    found: list[tuple[Message, int]] = []
    for m in MESSAGES:
        hit = m.search(flat, lines)
        if hit is not None:
            # Positions of `on_lines` hits are in `lines`; only the order among cases uses them.
            found.append((m, hit.start()))
    claims, fmt = extract_claims(lines)
    first_error = min((pos for m, pos in found if not m.generic and not m.on_lines), default=None)
    guess = infer_index(flat, first_error)
    publisher = None
    if claims:
        publisher = publisher_from_claims(claims, guess.index, guess.evidence)
        if publisher.reusable and not any(m.id == REUSABLE_FROM_CLAIMS for m, _ in found):
            found.append((MESSAGES_BY_ID[REUSABLE_FROM_CLAIMS], first_error or 0))
        # Claims with nothing specific beside them: the index's reason was left out of the paste.
        if not any(not m.generic for m, _ in found):
            found.append((MESSAGES_BY_ID[CLAIMS_WITHOUT_REASON], 0))
    return Diagnosis(matches=_order(found), claims=claims, claims_format=fmt, publisher=publisher,
                     index=guess.index, index_evidence=guess.evidence, place=where_from(text, lines))
