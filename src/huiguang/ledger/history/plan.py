"""The dry-run: every row of every file checked against the database, nothing written.

`history_plan` streams the files once and returns a `Plan`: the rows to write (records as compact
tuples, sorted by volunteer and time for the chains), every bad row with its file, row number and
reason, and the summary a city compares with its old platform (rows by kind, errors by reason,
hours by town and year). A row whose source key an earlier import of another file already wrote
is a bad row (DUPLICATE); one that the interrupted import being resumed already wrote is done
and skipped (`resume`).

Memory: the records are kept as tuples of small values with their texts interned (~300 bytes a
record); the per-day totals and the keys seen are dicts and sets of ints and short bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiguang.activities.models import Category
from huiguang.core.id_card import normalize as normal_id
from huiguang.network.models import Membership, Organization, Region
from huiguang.volunteers.models import Volunteer

from ..models import HistoryImport, ImportedRow, ImportSource, ServiceRecord
from .columns import ACTIVITIES, MEMBERSHIPS, ORGANIZATIONS, RECORDS
from .files import Part, parts_of, rows_of

R = ServiceRecord
MAX_LISTED_ERRORS = 10_000  # every bad row is counted; the first ones are listed with their reason
KEY_CHUNK = 5000
ORG_KINDS = {
    "市级部门": Organization.Kind.DEPARTMENT,
    "部门": Organization.Kind.DEPARTMENT,
    "镇街联合会": Organization.Kind.FEDERATION,
    "联合会": Organization.Kind.FEDERATION,
    "协会": Organization.Kind.ASSOCIATION,
    "队伍": Organization.Kind.TEAM,
    "团队": Organization.Kind.TEAM,
    "志愿队": Organization.Kind.TEAM,
    "专业队伍": Organization.Kind.PROFESSIONAL,
    "专业志愿队": Organization.Kind.PROFESSIONAL,
    "学校": Organization.Kind.SCHOOL,
    "企业": Organization.Kind.ENTERPRISE,
    "社会组织": Organization.Kind.SOCIAL,
    **{value: value for value in Organization.Kind.values},
}
TIERS = {"总站": "main", "分站": "branch", "驿站": "post", "无": "", "": ""}
ROLES = {
    "成员": Membership.Role.MEMBER,
    "队员": Membership.Role.MEMBER,
    "队长": Membership.Role.LEADER,
    "管理员": Membership.Role.ADMIN,
    "": Membership.Role.MEMBER,
    **{value: value for value in Membership.Role.values},
}
REASONS = {
    "UNKNOWN_VOLUNTEER": gettext_lazy("unknown volunteer"),
    "UNKNOWN_ORGANIZATION": gettext_lazy("unknown organization"),
    "UNKNOWN_ACTIVITY": gettext_lazy("unknown activity"),
    "UNKNOWN_REGION": gettext_lazy("unknown region"),
    "DAILY_CAP": gettext_lazy("a day over the cap"),
    "OVERLAPS": gettext_lazy("overlaps another record"),
    "FUTURE_DATE": gettext_lazy("a date in the future"),
    "DUPLICATE": gettext_lazy("already imported"),
    "DUPLICATE_IN_FILE": gettext_lazy("twice in the files"),
    "BAD_VALUE": gettext_lazy("a missing or wrong value"),
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
TIME_FORMATS = ("%H:%M", "%H:%M:%S")


@dataclass
class RowError:
    file: str
    row: int
    reason: str
    message: str

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "reason": self.reason, "message": self.message}


@dataclass
class OrgRow:
    key: str  # the organization's code
    name: str
    parent: str
    region_id: int
    kind: str
    tier: str
    contact_name: str
    contact_phone: str


@dataclass
class MemberRow:
    key: str
    volunteer_id: int
    organization: str  # a code
    role: str
    joined: dt.datetime | None


@dataclass
class ActivityRow:
    key: str
    title: str
    organization: str
    starts: dt.datetime
    ends: dt.datetime
    place: str
    category_id: int


# A record to write: (volunteer id, service date, started, ended, minutes, organization code,
# activity key, activity name, content, recipients, recorder, source key, file, row).
Record = tuple


@dataclass
class Plan:
    source: ImportSource | None
    organizations: list[OrgRow] = field(default_factory=list)
    memberships: list[MemberRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    errors_by_reason: Counter = field(default_factory=Counter)
    rows_by_kind: Counter = field(default_factory=Counter)
    done: int = 0  # records the resumed import already wrote
    org_regions: dict[str, str] = field(default_factory=dict)  # code → region code, new and existing
    org_ids: dict[str, int] = field(default_factory=dict)  # code → id of the organizations that exist
    activity_ids: dict[str, int] = field(default_factory=dict)  # activity key → id, already imported
    hours_by_town_year: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def fail(self, part: Part | str, row: int, reason: str, message: str) -> None:
        self.error_count += 1
        self.errors_by_reason[reason] += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            label = part.label if isinstance(part, Part) else part
            self.errors.append(RowError(label, row, reason, message))

    def summary(self) -> dict:
        towns = dict(
            Region.objects.filter(code__in={t for t, _y in self.hours_by_town_year}).values_list(
                "code", "name"
            )
        )
        return {
            "rows_by_kind": dict(self.rows_by_kind),
            "errors_by_reason": dict(self.errors_by_reason),
            "to_write": {
                ORGANIZATIONS: len(self.organizations),
                MEMBERSHIPS: len(self.memberships),
                ACTIVITIES: len(self.activities),
                RECORDS: len(self.records),
            },
            "done": self.done,
            "minutes": sum(r[4] for r in self.records),
            "hours_by_town_year": [
                {"town": code, "name": towns.get(code, code), "year": year, "minutes": minutes}
                for (code, year), minutes in sorted(self.hours_by_town_year.items())
            ],
        }


# --- values -------------------------------------------------------------------------------------------


class BadValue(Exception):
    pass


def parse_date(text: str) -> dt.date:
    value = text.strip().split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise BadValue(_("%(value)s is not a date (write 2023-05-01).") % {"value": text[:40]})


def parse_datetime(text: str, day: dt.date | None = None) -> dt.datetime:
    """A local time: "2023-05-01 09:00", or "09:00" on `day`."""
    value = text.strip().replace("T", " ")
    parts = value.split(" ")
    date_part, time_part = (parts[0], parts[-1]) if len(parts) > 1 else (None, parts[0])
    if date_part is None and ":" not in time_part:
        date_part, time_part = time_part, "00:00"
    on = parse_date(date_part) if date_part else day
    if on is None:
        raise BadValue(_("%(value)s is not a date and time (write 2023-05-01 09:00).") % {"value": text[:40]})
    for fmt in TIME_FORMATS:
        try:
            clock = dt.datetime.strptime(time_part, fmt).time()
            return timezone.make_aware(dt.datetime.combine(on, clock))
        except ValueError:
            continue
    raise BadValue(_("%(value)s is not a time (write 09:00).") % {"value": text[:40]})


def source_key(*values: object) -> str:
    """A row without the source platform's own key is known by its content."""
    return hashlib.sha256("\x1f".join(str(v) for v in values).encode()).hexdigest()[:40]


def _seen_key(kind: str, key: str) -> bytes:
    return hashlib.blake2b(f"{kind}\x1f{key}".encode(), digest_size=12).digest()


# --- the volunteers, organizations and activities rows refer to ---------------------------------------


class Directory:
    """How rows name volunteers (ID number, volunteer number, phone) and organizations (code or
    name): loaded once, a few dicts of ints."""

    def __init__(self):
        rows = Volunteer.objects.values_list("pk", "id_blind_index", "volunteer_number", "user__phone")
        self.by_blind: dict[str, int] = {}
        self.by_number: dict[str, int] = {}
        self.by_phone: dict[str, int] = {}
        for pk, blind, number, phone in rows.iterator(chunk_size=5000):
            self.by_blind[blind] = pk
            self.by_number[number] = pk
            if phone:
                self.by_phone[phone] = pk
        self._ids: dict[str, int | None] = {}
        self.org_codes: dict[str, tuple[int, str]] = {}
        self.org_names: dict[str, str] = {}
        for pk, code, name, region in Organization.objects.values_list("pk", "code", "name", "region__code"):
            self.org_codes[code] = (pk, region)
            self.org_names.setdefault(name, code)
        self.regions = dict(Region.objects.values_list("code", "pk"))
        self.region_paths = dict(Region.objects.values_list("code", "path"))

    def volunteer(self, row: dict[str, str]) -> int | None:
        """The first of ID number, volunteer number and phone that names a volunteer."""
        number = normal_id(row.get("id_number", ""))
        if number:
            if number not in self._ids:
                self._ids[number] = self.by_blind.get(Volunteer.blind_index_for(number))
            if self._ids[number] is not None:
                return self._ids[number]
        found = self.by_number.get(row.get("volunteer_number", "").strip())
        if found is None and row.get("phone"):
            found = self.by_phone.get(row["phone"].strip().replace(" ", "").removeprefix("+86"))
        return found

    def town(self, region_code: str) -> str:
        path = self.region_paths.get(region_code, region_code + "/").strip("/").split("/")
        return path[1] if len(path) > 1 else path[0]


def history_plan(
    *,
    paths: list[Path],
    source: ImportSource | None,
    resume: HistoryImport | None = None,
    today: dt.date | None = None,
) -> Plan:
    """Check every row of the files; nothing is written. `resume`: the interrupted import whose
    rows count as done."""
    plan = Plan(source=source)
    parts = parts_of(paths)
    directory = Directory()
    today = today or timezone.localdate()
    imported = _imported(source, resume)
    _plan_organizations(plan, parts[ORGANIZATIONS], directory, imported)
    _plan_memberships(plan, parts[MEMBERSHIPS], directory, imported)
    _plan_activities(plan, parts[ACTIVITIES], directory, imported)
    _plan_records(plan, parts[RECORDS], directory, today, resume)
    # Found check by check (a row's own values, then against the ledger); listed file by file in
    # the order read, row by row, as a person works through them.
    read = {part.label: n for n, part in enumerate(p for kind in parts.values() for p in kind)}
    plan.errors.sort(key=lambda e: (read.get(e.file, len(read)), e.row))
    return plan


def _imported(
    source: ImportSource | None, resume: HistoryImport | None
) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, key) → (import id, object id) of the source's organizations, memberships and
    activities (a few thousand rows; records are looked up in chunks)."""
    if source is None or source.pk is None:
        return {}
    rows = ImportedRow.objects.filter(source=source).exclude(kind=ImportedRow.Kind.RECORD)
    return {
        (k, key): (imp, obj)
        for k, key, imp, obj in rows.values_list("kind", "key", "history_import_id", "object_id")
    }


def _plan_organizations(plan: Plan, parts: list[Part], directory: Directory, imported) -> None:
    for code, (pk, region) in directory.org_codes.items():
        plan.org_ids[code] = pk
        plan.org_regions[code] = region
    seen: set[str] = set()
    rows: list[tuple[Part, int, OrgRow]] = []
    for part in parts:
        for number, row in rows_of(part):
            plan.rows_by_kind[ORGANIZATIONS] += 1
            code = row.get("code", "").strip()
            if code in seen:
                plan.fail(
                    part,
                    number,
                    "DUPLICATE_IN_FILE",
                    _("Organization %(code)s appears twice.") % {"code": code},
                )
                continue
            seen.add(code)
            found = imported.get((ImportedRow.Kind.ORGANIZATION, code))
            if found is not None or code in directory.org_codes:
                continue  # the organization exists: rows refer to it, nothing to write
            region = row.get("region", "").strip()
            kind = ORG_KINDS.get(row.get("kind", "").strip() or "团队")
            tier = TIERS.get(row.get("tier", "").strip())
            problems = []
            if not code or not row.get("name"):
                problems.append(_("An organization needs a code and a name."))
            if region not in directory.regions:
                plan.fail(
                    part,
                    number,
                    "UNKNOWN_REGION",
                    _("Unknown region code %(code)s.") % {"code": region or "—"},
                )
                continue
            if kind is None:
                problems.append(_("Unknown kind of organization: %(value)s.") % {"value": row.get("kind")})
            if tier is None:
                problems.append(_("Unknown station tier: %(value)s.") % {"value": row.get("tier")})
            if problems:
                plan.fail(part, number, "BAD_VALUE", " ".join(problems))
                continue
            rows.append(
                (
                    part,
                    number,
                    OrgRow(
                        key=code,
                        name=row["name"][:120],
                        parent=row.get("parent", "").strip(),
                        region_id=directory.regions[region],
                        kind=str(kind),
                        tier=str(tier),
                        contact_name=row.get("contact_name", "")[:64],
                        contact_phone=row.get("contact_phone", "")[:20],
                    ),
                )
            )
            plan.org_regions[code] = region
            directory.org_names.setdefault(row["name"], code)
    # Parents before children; a parent is an existing organization or a row of the file.
    placed = set(plan.org_ids)
    pending = rows
    while pending:
        later = [(p, n, o) for p, n, o in pending if o.parent and o.parent not in placed]
        ready = [(p, n, o) for p, n, o in pending if not (o.parent and o.parent not in placed)]
        if not ready:
            for part, number, org in later:
                plan.fail(
                    part,
                    number,
                    "UNKNOWN_ORGANIZATION",
                    _("Unknown parent organization %(code)s.") % {"code": org.parent},
                )
                plan.org_regions.pop(org.key, None)
            break
        for _p, _n, org in ready:
            plan.organizations.append(org)
            placed.add(org.key)
        pending = later


def _organization(plan: Plan, directory: Directory, text: str) -> str | None:
    text = text.strip()
    if text in plan.org_regions:
        return text
    code = directory.org_names.get(text)
    return code if code in plan.org_regions else None


def _plan_memberships(plan: Plan, parts: list[Part], directory: Directory, imported) -> None:
    for part in parts:
        for number, row in rows_of(part):
            plan.rows_by_kind[MEMBERSHIPS] += 1
            volunteer = directory.volunteer(row)
            org = _organization(plan, directory, row.get("organization", ""))
            if volunteer is None:
                plan.fail(
                    part,
                    number,
                    "UNKNOWN_VOLUNTEER",
                    _("No volunteer with this ID number, volunteer number or phone."),
                )
                continue
            if org is None:
                plan.fail(
                    part,
                    number,
                    "UNKNOWN_ORGANIZATION",
                    _("Unknown organization %(org)s.") % {"org": row.get("organization")},
                )
                continue
            role = ROLES.get(row.get("role", "").strip())
            try:
                joined = parse_datetime(row["joined"]) if row.get("joined") else None
            except BadValue as exc:
                plan.fail(part, number, "BAD_VALUE", str(exc))
                continue
            if role is None:
                plan.fail(
                    part, number, "BAD_VALUE", _("Unknown role: %(value)s.") % {"value": row.get("role")}
                )
                continue
            key = source_key(org, volunteer)
            if (ImportedRow.Kind.MEMBERSHIP, key) in imported:
                continue
            plan.memberships.append(MemberRow(key, volunteer, org, str(role), joined))


def _plan_activities(plan: Plan, parts: list[Part], directory: Directory, imported) -> None:
    categories = {}
    for pk, code, name in Category.objects.values_list("pk", "code", "name"):
        categories[code] = categories[name] = pk
    for (kind, key), (_imp, pk) in imported.items():
        if kind == ImportedRow.Kind.ACTIVITY:
            plan.activity_ids[key] = pk
    seen: set[str] = set()
    for part in parts:
        for number, row in rows_of(part):
            plan.rows_by_kind[ACTIVITIES] += 1
            key = row.get("code", "").strip()
            if key in seen:
                plan.fail(
                    part, number, "DUPLICATE_IN_FILE", _("Activity %(code)s appears twice.") % {"code": key}
                )
                continue
            seen.add(key)
            if key in plan.activity_ids:
                continue
            org = _organization(plan, directory, row.get("organization", ""))
            if org is None:
                plan.fail(
                    part,
                    number,
                    "UNKNOWN_ORGANIZATION",
                    _("Unknown organization %(org)s.") % {"org": row.get("organization")},
                )
                continue
            category = categories.get(row.get("category", "").strip() or "other")
            try:
                starts = parse_datetime(row["starts"])
                ends = parse_datetime(row["ends"], starts.date())
            except BadValue as exc:
                plan.fail(part, number, "BAD_VALUE", str(exc))
                continue
            if category is None:
                category = categories.get("other")
            if not key or not row.get("title") or ends < starts or category is None:
                plan.fail(
                    part,
                    number,
                    "BAD_VALUE",
                    _("An activity needs a code, a title, a known category and an end after its start."),
                )
                continue
            plan.activities.append(
                ActivityRow(key, row["title"][:120], org, starts, ends, row.get("place", "")[:200], category)
            )
            plan.activity_ids.setdefault(key, 0)  # known, written by this import


def _minutes(row: dict[str, str], started, ended) -> int:
    try:
        if row.get("minutes"):
            minutes = int(Decimal(row["minutes"]).to_integral_value())
        elif row.get("hours"):
            minutes = int((Decimal(row["hours"]) * 60).quantize(Decimal(1)))
        elif started and ended:
            minutes = int((ended - started).total_seconds() // 60)
        else:
            raise BadValue(_("Give the minutes or the hours of service."))
    except (InvalidOperation, ValueError):
        raise BadValue(_("The length of service is not a number."))
    if minutes <= 0:
        raise BadValue(_("The length of service must be more than 0."))
    return minutes


def _plan_records(plan: Plan, parts: list[Part], directory: Directory, today: dt.date, resume) -> None:
    texts: dict[str, str] = {}

    def intern(value: str, size: int) -> str:
        value = value[:size]
        return texts.setdefault(value, value)

    seen: dict[bytes, tuple[str, int]] = {}
    day_totals: dict[int, int] = defaultdict(int)  # by day_of(volunteer, date)
    # A history has a few thousand distinct dates and times: each is parsed once and its object
    # shared by every record that names it (CPU, and ~100 bytes a record of memory).
    days: dict[str, dt.date] = {}
    moments: dict[tuple[str, dt.date], dt.datetime] = {}

    def moment(text: str, day: dt.date) -> dt.datetime:
        found = moments.get((text, day))
        if found is None:
            found = moments[(text, day)] = parse_datetime(text, day)
        return found

    pending: list[Record] = []
    source_id = plan.source.pk if plan.source is not None else None

    def check_keys() -> None:
        keys = {r[11] for r in pending}
        found = {}
        if source_id is not None:
            found = dict(
                ImportedRow.objects.filter(
                    source_id=source_id, kind=ImportedRow.Kind.RECORD, key__in=keys
                ).values_list("key", "history_import_id")
            )
        for record in pending:
            imp = found.get(record[11])
            if imp is None:
                plan.records.append(record)
            elif resume is not None and imp == resume.pk:
                plan.done += 1
            else:
                plan.fail(
                    record[12],
                    record[13],
                    "DUPLICATE",
                    _("This record was already imported (import #%(n)s).") % {"n": imp},
                )
        pending.clear()

    for part in parts:
        label = part.label  # one string for all the part's records and keys (a property: a new one each call)
        for number, row in rows_of(part):
            plan.rows_by_kind[RECORDS] += 1
            volunteer = directory.volunteer(row)
            if volunteer is None:
                plan.fail(
                    part,
                    number,
                    "UNKNOWN_VOLUNTEER",
                    _("No volunteer with this ID number, volunteer number or phone."),
                )
                continue
            org = _organization(plan, directory, row.get("organization", ""))
            if org is None:
                plan.fail(
                    part,
                    number,
                    "UNKNOWN_ORGANIZATION",
                    _("Unknown organization %(org)s.") % {"org": row.get("organization")},
                )
                continue
            activity = row.get("activity", "").strip()
            if activity and activity not in plan.activity_ids:
                plan.fail(
                    part, number, "UNKNOWN_ACTIVITY", _("Unknown activity %(code)s.") % {"code": activity}
                )
                continue
            try:
                day = days.get(row["date"]) or days.setdefault(row["date"], parse_date(row["date"]))
                started = moment(row["started"], day) if row.get("started") else None
                ended = moment(row["ended"], day) if row.get("ended") else None
                if (started is None) != (ended is None) or (started and ended and ended <= started):
                    raise BadValue(_("Give both a start and an end time, the end after the start."))
                minutes = _minutes(row, started, ended)
            except BadValue as exc:
                plan.fail(part, number, "BAD_VALUE", str(exc))
                continue
            if day > today:
                plan.fail(
                    part,
                    number,
                    "FUTURE_DATE",
                    _("The service date %(day)s is in the future.") % {"day": day},
                )
                continue
            name = row.get("activity_name", "").strip() or row.get("content", "").strip()
            if not name and not activity:
                plan.fail(part, number, "BAD_VALUE", _("Give the activity's code or name."))
                continue
            key = row.get("key", "").strip() or source_key(
                volunteer, org, activity, name, day, started, ended, minutes, row.get("content", "")
            )
            seen_key = _seen_key(RECORDS, key)
            if seen_key in seen:
                first = seen[seen_key]
                plan.fail(
                    part,
                    number,
                    "DUPLICATE_IN_FILE",
                    _("The same record as row %(row)s of %(file)s.") % {"row": first[1], "file": first[0]},
                )
                continue
            seen[seen_key] = (label, number)
            day_totals[day_of(volunteer, day)] += minutes
            pending.append(
                (
                    volunteer,
                    day,
                    started,
                    ended,
                    minutes,
                    texts.setdefault(org, org),  # codes, kept whole: keys of org_ids and activity_ids
                    texts.setdefault(activity, activity),
                    intern(name, 200),
                    intern(row.get("content", ""), 300),
                    intern(row.get("recipients", ""), 200),
                    intern(row.get("recorder", ""), 64),
                    key,
                    label,
                    number,
                )
            )
            if len(pending) >= KEY_CHUNK:
                check_keys()
    check_keys()
    # The keys seen (~150 bytes a record) are done with: freed before the sort builds its keys,
    # the check's peak of memory (issue 15: under 1 GiB for 1.38 M records).
    seen.clear()
    texts.clear()
    days.clear()
    moments.clear()
    _check_days(plan, day_totals, resume, directory)


def day_of(volunteer: int, day: dt.date) -> int:
    """(volunteer, date) as one int: the key of the per-day totals (a tuple costs twice as much)."""
    return volunteer << 22 | day.toordinal()


def chain_order(record: Record) -> int:
    """The order records join their volunteer's chain: by volunteer, date, then start time (none
    first); equal keys keep the files' order (the sort is stable, the records are in file order).
    One int, not a tuple with a datetime: the sort holds a key per record (issue 15's memory)."""
    day = record[1].toordinal()
    started = record[2]
    if started is None:
        seconds = 0
    else:
        # Seconds from two days before the service date, so that a start given with another date
        # still sorts by its time; 1 and up, after the untimed records' 0.
        clock = started.hour * 3600 + started.minute * 60 + started.second
        seconds = min(max((started.toordinal() - day + 2) * 86400 + clock + 1, 1), (1 << 20) - 1)
    return (record[0] << 22 | day) << 20 | seconds


def _check_days(plan: Plan, day_totals, resume, directory: Directory) -> None:
    """The daily cap and overlaps, against the file's other rows and the ledger (the resumed
    import's own records aside). Sorts the records by volunteer and time: the chain order."""
    plan.records.sort(key=chain_order)
    if not plan.records:
        return
    cap = settings.HUIGUANG_DAILY_CAP_HOURS * 60
    first, last = min(r[1] for r in plan.records), max(r[1] for r in plan.records)
    ledger = R.objects.exclude(status=R.Status.REJECTED).filter(service_date__range=(first, last)).order_by()
    if resume is not None:
        ledger = ledger.exclude(imported_row__history_import=resume)
    for volunteer, day, minutes in (
        ledger.values_list("volunteer_id", "service_date")
        .annotate(n=Sum("minutes"))
        .values_list("volunteer_id", "service_date", "n")
    ):
        key = day_of(volunteer, day)
        if key in day_totals:
            day_totals[key] += minutes
    timed: dict[int, list[tuple]] = defaultdict(list)
    for volunteer, start, end in ledger.filter(started_at__isnull=False).values_list(
        "volunteer_id", "started_at", "ended_at"
    ):
        timed[volunteer].append((start, end))
    kept: list[Record] = []
    last_end: dict[int, dt.datetime] = {}
    for record in plan.records:
        volunteer, day = record[0], record[1]
        if day_totals[day_of(volunteer, day)] > cap:
            plan.fail(
                record[12],
                record[13],
                "DAILY_CAP",
                _("%(day)s adds up to more than %(hours)d hours for this volunteer.")
                % {"day": day, "hours": settings.HUIGUANG_DAILY_CAP_HOURS},
            )
            continue
        start, end = record[2], record[3]
        if start is not None:
            if (volunteer in last_end and start < last_end[volunteer]) or any(
                s < end and e > start for s, e in timed.get(volunteer, ())
            ):
                plan.fail(
                    record[12],
                    record[13],
                    "OVERLAPS",
                    _("This time overlaps another record of the volunteer."),
                )
                continue
            last_end[volunteer] = max(end, last_end.get(volunteer, end))
        kept.append(record)
    plan.records = kept
    for record in kept:
        town = directory.town(plan.org_regions.get(record[5], ""))
        plan.hours_by_town_year[(town, record[1].year)] += record[4]
