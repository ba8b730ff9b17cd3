"""Validating every row of a file, and what an import would do: it writes nothing.

`clean_rows` applies the rules of validation.py to each row (plus duplicates inside the file);
`plan_against_db` compares the clean rows with the database: who is new, who joins the
organization, who is already a member, which phone numbers belong to someone else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiguang.core.id_card import IdCard, age_on
from huiguang.core.id_card import normalize as normalize_id
from huiguang.core.masking import mask_id_number
from huiguang.core.phone import normalize_phone
from huiguang.core.text import clean_text, has_bad_characters
from huiguang.network.models import Organization, Region

from .. import validation as v
from ..models import Volunteer
from ..selectors import (
    membership_open_volunteer_ids,
    region_by_code,
    user_id_by_phone,
    volunteer_by_blind_index,
)
from .columns import BOOLEANS, COLUMN_BY_KEY, NO, POLITICAL, POLITICAL_CHOICES, YES, cell_text
from .errors import RowError
from .files import ParsedFile

# Text that clean_text would return unchanged: printable ASCII and the CJK Unified Ideographs
# block (all assigned letters, none with a decomposition). Most cells of a file; the rest go
# through clean_text character by character.
PLAIN = re.compile(r"[\x20-\x7e\u4e00-\u9fff]*")
REQUIRED = _("This column is required.")
ID_AS_NUMBER = _(
    "The ID number was stored as a number and lost its last digits: format the column as "
    "text and enter the number again."
)
DUPLICATE_ID_IN_FILE = _("The same ID number is already on row %(row)d.")
DUPLICATE_PHONE_IN_FILE = _("The same mobile number is already on row %(row)d.")
PHONE_OF_ANOTHER_USER = _("This mobile number belongs to another registered user.")
NAME_MISMATCH = _("This ID number is registered to a volunteer with a different name.")
MINOR = _("Volunteers under %(age)d register themselves with a guardian's consent; they cannot be imported.")
BAD_POLITICAL = _("Unknown political status: write one of %(choices)s.")
BAD_BOOLEAN = _("Write %(yes)s or %(no)s.")
TOO_LONG = _("At most %(max)d characters.")


@dataclass
class CleanRow:
    row: int
    real_name: str
    card: IdCard
    phone: str
    region: Region
    political_status: str
    is_student: bool
    school: str
    occupation: str
    is_new_resident: bool
    blind_index: str = ""


@dataclass
class ImportPlan:
    row_count: int
    errors: list[RowError]
    new: list[CleanRow] = field(default_factory=list)
    join_volunteer_ids: list[int] = field(default_factory=list)
    already: int = 0

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors


def _shown_value(key: str, text: str) -> str:
    """What the report repeats of a bad cell: ID numbers masked, long values cut, invisible and
    control characters shown as U+FFFD (a bidi override would turn the report's line around)."""
    text = "".join("\ufffd" if has_bad_characters(ch) else ch for ch in text[:60])
    return mask_id_number(text) if key == "id_number" and len(text) >= 10 else text


def _clean_row(
    number: int,
    values: dict[str, object],
    texts: dict[str, str],
    headers: dict[str, str],
    regions: dict[str, Region],
    today: dt.date,
) -> tuple[CleanRow | None, list[RowError]]:
    """One row through the rules of validation.py (one piece of code per rule). `texts`: the
    row's cells as text (`cell_text`), `values`: as the file held them."""
    errors: list[RowError] = []
    bad_text: set[str] = set()

    def fail(key: str, message) -> None:
        errors.append(
            RowError(
                number,
                headers.get(key, COLUMN_BY_KEY[key].header),
                str(message),
                _shown_value(key, texts.get(key, "")),
            )
        )

    # The text hygiene of every form (core/text.py): NFC, no invisible or control characters. A row
    # of printable ASCII and common CJK ideographs only (most rows: one match of all its cells
    # joined) is NFC already, with nothing to refuse; otherwise each cell that is not goes through
    # clean_text.
    if not PLAIN.fullmatch("".join(texts.values())):
        texts = dict(texts)  # the caller's texts stay as read: the duplicate checks use them
        for key, text in texts.items():
            if PLAIN.fullmatch(text):
                continue
            try:
                texts[key] = clean_text(text)
            except ValidationError as exc:
                fail(key, exc.messages[0])
                bad_text.add(key)

    def rule(key: str, fn, *args):
        if key in bad_text:
            return None
        if not texts.get(key):
            fail(key, REQUIRED)
            return None
        try:
            return fn(texts[key], *args)
        except ValidationError as exc:
            for message in exc.messages:
                fail(key, message)
            return None

    name = rule("real_name", v.clean_real_name)
    raw_id = values.get("id_number")
    if isinstance(raw_id, float | int) and not isinstance(raw_id, bool) and raw_id >= 1e15:
        # Excel keeps 15 significant digits of a number: the ID number is already lost.
        fail("id_number", ID_AS_NUMBER)
        card = None
    else:
        card = rule("id_number", v.clean_id_number, today)
    if card is not None and age_on(card.birth_date, today) < settings.HUIGUANG_GUARDIAN_AGE:
        fail("id_number", MINOR % {"age": settings.HUIGUANG_GUARDIAN_AGE})
    phone = rule("phone", v.clean_phone)
    region = rule("region_code", v.clean_region_code, regions)
    political = _choice(texts.get("political_status", ""), POLITICAL, Volunteer.Political.MASSES)
    if political is None:
        fail("political_status", BAD_POLITICAL % {"choices": POLITICAL_CHOICES})
    flags = {}
    for key in ("is_student", "is_new_resident"):
        flags[key] = _choice(texts.get(key, "").lower(), BOOLEANS, False)
        if flags[key] is None:
            fail(key, BAD_BOOLEAN % {"yes": YES, "no": NO})
    for key in ("school", "occupation"):
        if len(texts.get(key, "")) > COLUMN_BY_KEY[key].max_length:
            fail(key, TOO_LONG % {"max": COLUMN_BY_KEY[key].max_length})
    if errors or card is None:
        return None, errors
    return CleanRow(
        row=number,
        real_name=name,
        card=card,
        phone=phone,
        region=region,
        political_status=political,
        is_student=flags["is_student"],
        school=texts.get("school", ""),
        occupation=texts.get("occupation", ""),
        is_new_resident=flags["is_new_resident"],
        blind_index=Volunteer.blind_index_for(card.number),
    ), []


def clean_rows(parsed: ParsedFile, *, today: dt.date | None = None) -> tuple[list[CleanRow], list[RowError]]:
    """Every rule on every row, plus duplicates inside the file. Reads regions; writes nothing."""
    today = today or timezone.localdate()
    # Each cell becomes text once: the rules and the duplicate checks below read the same texts.
    texts = [{key: cell_text(value) for key, value in values.items()} for _n, values in parsed.rows]
    regions = region_by_code({row_texts.get("region_code", "") for row_texts in texts} - {""})
    clean: list[CleanRow] = []
    errors: list[RowError] = []
    first_id: dict[str, int] = {}
    first_phone: dict[str, int] = {}
    for (number, values), row_texts in zip(parsed.rows, texts, strict=True):
        row, row_errors = _clean_row(number, values, row_texts, parsed.headers, regions, today)
        # Duplicates inside the file, valid or not: the later row is bad and points at the first.
        # A valid row's number and phone are normalized already (the rules normalize first).
        if row is not None:
            id_key, phone_key = row.card.number, row.phone
        else:
            id_key = normalize_id(row_texts.get("id_number", ""))
            phone_key = normalize_phone(row_texts.get("phone", ""))
        if id_key and first_id.setdefault(id_key, number) != number:
            row_errors.append(
                RowError(
                    number,
                    parsed.headers["id_number"],
                    str(DUPLICATE_ID_IN_FILE % {"row": first_id[id_key]}),
                    _shown_value("id_number", id_key),
                )
            )
        if phone_key and first_phone.setdefault(phone_key, number) != number:
            row_errors.append(
                RowError(
                    number,
                    parsed.headers["phone"],
                    str(DUPLICATE_PHONE_IN_FILE % {"row": first_phone[phone_key]}),
                    phone_key,
                )
            )
        if row_errors:
            errors.extend(row_errors)
        elif row is not None:
            clean.append(row)
    return clean, errors


def _choice(text: str, table: dict, default):
    text = text.strip()
    if not text:
        return default
    return table.get(text)


def plan_against_db(
    *,
    organization: Organization,
    rows: list[CleanRow],
    errors: list[RowError],
    row_count: int,
    headers: dict[str, str] | None = None,
) -> ImportPlan:
    """Who is new, who joins, who is already a member; phone numbers owned by someone else."""
    headers = headers or {}
    existing = volunteer_by_blind_index([r.blind_index for r in rows])
    phone_owner = user_id_by_phone([r.phone for r in rows])
    open_members = membership_open_volunteer_ids(
        organization=organization, volunteer_ids=[pk for pk, _name, _user in existing.values()]
    )
    plan = ImportPlan(row_count=row_count, errors=list(errors))
    for row in rows:
        found = existing.get(row.blind_index)
        owner = phone_owner.get(row.phone)
        if found is None:
            if owner is not None:
                plan.errors.append(
                    RowError(row.row, headers.get("phone", "手机号"), str(PHONE_OF_ANOTHER_USER), row.phone)
                )
            else:
                plan.new.append(row)
            continue
        volunteer_id, name, user_id = found
        bad = False
        if owner is not None and owner != user_id:
            plan.errors.append(
                RowError(row.row, headers.get("phone", "手机号"), str(PHONE_OF_ANOTHER_USER), row.phone)
            )
            bad = True
        if " ".join(name.split()) != row.real_name:
            plan.errors.append(
                RowError(row.row, headers.get("real_name", "姓名"), str(NAME_MISMATCH), row.real_name)
            )
            bad = True
        if bad:
            continue
        if volunteer_id in open_members:
            plan.already += 1
        else:
            plan.join_volunteer_ids.append(volunteer_id)
    plan.errors.sort(key=lambda e: e.row)
    return plan


def import_plan(*, organization: Organization, parsed: ParsedFile) -> ImportPlan:
    rows, errors = clean_rows(parsed)
    return plan_against_db(
        organization=organization,
        rows=rows,
        errors=errors,
        row_count=len(parsed.rows),
        headers=parsed.headers,
    )
