"""The single diagnosis table: every case the tool recognises and the troubleshooting page shows.

`MESSAGES` is the table's order on the page: the token exchange first, then the upload (attestations,
core metadata, names and files, credentials, refusals of the whole upload, the runner). Among cases of
equal rank the one earlier here is shown first.
"""

from __future__ import annotations

from trustpub.diagnose.model import Message
from trustpub.diagnose.table_auth import AUTH_CASES
from trustpub.diagnose.table_exchange import EXCHANGE
from trustpub.diagnose.table_files import FILE_CASES
from trustpub.diagnose.table_metadata import METADATA_CASES
from trustpub.diagnose.table_upload import ATTESTATION_CASES, UPLOAD_CASES

MESSAGES: list[Message] = [*EXCHANGE, *ATTESTATION_CASES, *METADATA_CASES, *FILE_CASES, *AUTH_CASES, *UPLOAD_CASES]
MESSAGES_BY_ID = {m.id: m for m in MESSAGES}
assert len(MESSAGES_BY_ID) == len(MESSAGES), "duplicate diagnosis ids"
