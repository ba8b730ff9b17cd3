"""The import hashes its records without model instances (chain.canonical_encoder): the JSON must
be exactly canonical_json's, or verify_ledger would find every imported record broken."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from huiguang.ledger.chain import canonical_encoder, canonical_json
from huiguang.ledger.history.apply import HASHED
from huiguang.ledger.models import ServiceRecord

R = ServiceRecord
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SAME = {
    "kind": R.Kind.IMPORT,
    "source": R.Source.IMPORT,
    "is_credit": False,
    "status": R.Status.CONFIRMED,
    "created_by_id": 7,
    "created_at": dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=SHANGHAI),
    "confirmed_by_id": None,
    "confirmed_at": dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC),
}
TEXTS = [
    "社区志愿服务",
    'say "hi" \\ back',
    "line\nbreak\ttab \x01 control",
    "100% 助老 %s %(x)s",
    "",
    "😀 é",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("times", [(None, None), ("09:00", "11:30")])
def test_the_template_gives_the_canonical_json_of_the_record(text, times):
    day = dt.date(2021, 2, 28)
    started, ended = (
        (None, None)
        if times[0] is None
        else tuple(dt.datetime.combine(day, dt.time.fromisoformat(t), tzinfo=SHANGHAI) for t in times)
    )
    values = (12345, 3, 40, None if times[0] is None else 9, "330482001", day, started, ended, 150)
    values += (text, text[::-1], text.upper(), "记录人" + text, 17)
    record = R(**dict(zip(HASHED, values, strict=True)), **SAME)
    assert canonical_encoder(HASHED, SAME)(values) == canonical_json(record)
