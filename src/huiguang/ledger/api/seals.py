"""API v1, seals: the public chain of seals (docs/ledger.md), for anyone to copy and check."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from huiguang.core.api import Pagination

from ..selectors.seals import seal_list

router = Router(tags=["ledger"])


class LedgerSealOut(Schema):
    sequence: int = Field(..., description="The seal's number: 1, 2, 3… with no gap.")
    sealed_at: dt.datetime
    records: int = Field(..., description="Confirmed records under seals up to this one.")
    added: int = Field(..., description="Records this seal puts under seal.")
    heads_digest: str = Field(
        ...,
        description="SHA-256 (hex) of the chain heads of the records it adds: "
        "`volunteer:length:hash` lines sorted by volunteer, joined by newlines.",
    )
    previous: str = Field(..., description="The previous seal's digest (64 zeros for the first).")
    digest: str = Field(..., description="SHA-256 (hex) of the signed payload; the next seal signs it.")
    signature: str = Field(
        ...,
        description="`base64url(payload).base64url(Ed25519 signature)`; the payload is the "
        "canonical JSON of kind, sequence, sealed_at, previous, records and heads_digest.",
    )
    public_key: str = Field(
        ..., description="The key the seal names (base64url): check it against the published key."
    )
    key_fingerprint: str = Field(..., description="SHA-256 (hex, first 16 digits) of the raw public key.")


@router.get(
    "/seals",
    auth=None,
    url_name="seals",
    response={200: list[LedgerSealOut]},
    summary="The ledger's seals",
    description="Every seal of the hours ledger, the newest first, for anyone (no login). Each "
    "confirmation of service records is sealed; each seal signs the previous seal's digest, so a "
    "copy of this list lets anyone prove later which ledger was sealed. Verify the signatures "
    "with the key at `/.well-known/huiguang-signing-key` (docs/ledger.md).",
)
@paginate(Pagination)
def seals(request):
    return seal_list()
