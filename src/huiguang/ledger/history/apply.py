"""The writes of a history import (docs/history-import.md).

Organizations, memberships and activities are written in one transaction. The records follow
in batches of whole volunteers (about BATCH records), each batch one transaction that:

1. takes the chain heads of its volunteers in volunteer pk order (the order `records_confirm`
   uses: docs/locking.md), creating the missing ones;
2. reserves the batch's ids (the id is part of a record's hash), builds each volunteer's records
   in time order with prev_hash → hash, and inserts them confirmed, as they are written once
   (tuples, never model instances: chain.canonical_encoder hashes them);
3. writes their source keys (ImportedRow: unique per source, so a row is never imported twice),
   adds them to the ledger's rollups (summed by the database from the rows just inserted) and
   stars, tells the apps above through `records_confirmed` once for the batch, with the records'
   ids (reports' rollups, summed by the database too), and seals the batch.

A batch commits with its source keys: an import killed half-way is resumed by running it again
on the same files (same fingerprint), whose plan skips the keys already written.
Imported records are 荣誉时数 (is_credit False) unless the source is verified attendance; a
star raised by history is not announced to the volunteer (it is no news).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from huiguang.activities.models import Activity
from huiguang.core.bulk import add_selected, bulk_save, ids_in, insert_rows, month_sql, reserve_ids
from huiguang.network.models import Membership, Organization
from huiguang.network.signals import memberships_changed

from ..chain import GENESIS, canonical_encoder, link_hash
from ..models import ChainHead, HistoryImport, ImportedRow, MonthlyRollup, ServiceRecord, VolunteerHours
from ..selectors.hours import current_policy
from ..services.chaining import announce_stored
from ..services.sealing import seal_links
from ..services.stars import star_for
from .plan import Plan, Record

R = ServiceRecord
BATCH = 20000
Progress = Callable[[int, int], None]


def write_network(
    *, plan: Plan, history_import: HistoryImport, actor
) -> tuple[dict[str, int], dict[str, int]]:
    """Organizations (parents first), memberships, activities; (organization ids by code,
    activity ids by key), the ones that existed and the new ones."""
    org_ids = dict(plan.org_ids)
    activity_ids = {k: v for k, v in plan.activity_ids.items() if v}
    rows: list[ImportedRow] = []

    def key_row(kind: str, key: str, pk: int) -> ImportedRow:
        return ImportedRow(
            source=plan.source, kind=kind, key=key, history_import=history_import, object_id=pk
        )

    with transaction.atomic():
        parents = {
            o.code: o
            for o in Organization.objects.filter(code__in={o.parent for o in plan.organizations if o.parent})
        }
        for row in plan.organizations:
            org = Organization(
                code=row.key,
                name=row.name,
                kind=row.kind,
                tier=row.tier,
                region_id=row.region_id,
                parent=parents.get(row.parent) if row.parent else None,
                status=Organization.Status.ACTIVE,
                contact_name=row.contact_name,
                contact_phone=row.contact_phone,
            )
            org.save()
            parents[org.code] = org
            org_ids[org.code] = org.pk
            rows.append(key_row(ImportedRow.Kind.ORGANIZATION, row.key, org.pk))
        open_ones = {
            (v, o): pk
            for pk, v, o in Membership.objects.filter(
                status__in=[Membership.Status.APPLIED, Membership.Status.ACTIVE],
                volunteer_id__in={m.volunteer_id for m in plan.memberships},
            ).values_list("pk", "volunteer_id", "organization_id")
        }
        new_members = []
        for member in plan.memberships:
            org_id = org_ids[member.organization]
            if (member.volunteer_id, org_id) in open_ones:
                rows.append(
                    key_row(ImportedRow.Kind.MEMBERSHIP, member.key, open_ones[(member.volunteer_id, org_id)])
                )
                continue
            open_ones[(member.volunteer_id, org_id)] = 0
            new_members.append(
                (
                    member,
                    Membership(
                        volunteer_id=member.volunteer_id,
                        organization_id=org_id,
                        role=member.role,
                        status=Membership.Status.ACTIVE,
                        decided_at=member.joined or timezone.now(),
                        note="history import",
                    ),
                )
            )
        Membership.objects.bulk_create([m for _r, m in new_members], batch_size=1000)
        if new_members:
            # The reports' membership rollups count each active membership by its month of joining.
            joined = [(m.organization_id, m.decided_at) for _r, m in new_members]
            memberships_changed.send(sender=Membership, joined=joined, left=[])
        rows += [key_row(ImportedRow.Kind.MEMBERSHIP, r.key, m.pk) for r, m in new_members]
        regions = dict(
            Organization.objects.filter(pk__in=set(org_ids.values())).values_list("pk", "region_id")
        )
        activities = [
            (
                item,
                Activity(
                    organization_id=org_ids[item.organization],
                    title=item.title,
                    category_id=item.category_id,
                    region_id=regions[org_ids[item.organization]],
                    starts_at=item.starts,
                    ends_at=item.ends,
                    address=item.place,
                    status=Activity.Status.FINISHED,
                ),
            )
            for item in plan.activities
        ]
        Activity.objects.bulk_create([a for _r, a in activities], batch_size=1000)
        for item, activity in activities:
            activity_ids[item.key] = activity.pk
            rows.append(key_row(ImportedRow.Kind.ACTIVITY, item.key, activity.pk))
        ImportedRow.objects.bulk_create(rows, batch_size=2000)
    return org_ids, activity_ids


def batches(records: list[Record], size: int | None = None) -> Iterator[list[Record]]:
    """Consecutive records (sorted by volunteer) cut between volunteers, about `size` each."""
    size = size or BATCH
    batch: list[Record] = []
    for record in records:
        if len(batch) >= size and record[0] != batch[-1][0]:
            yield batch
            batch = []
        batch.append(record)
    if batch:
        yield batch


def write_records(
    *,
    plan: Plan,
    history_import: HistoryImport,
    actor,
    org_ids: dict[str, int],
    activity_ids: dict[str, int],
    progress: Progress | None = None,
) -> int:
    assert plan.source is not None
    credit = plan.source.verified_attendance
    regions = dict(
        Organization.objects.filter(pk__in=set(org_ids.values())).values_list("pk", "region__code")
    )
    done = 0
    total = len(plan.records)
    policy = current_policy()
    for batch in batches(plan.records):
        write_batch(
            batch,
            plan=plan,
            history_import=history_import,
            actor=actor,
            org_ids=org_ids,
            activity_ids=activity_ids,
            regions=regions,
            credit=credit,
            policy=policy,
        )
        done += len(batch)
        if progress is not None:
            progress(done, total)
    return done


def lock_heads(volunteer_ids: list[int]) -> dict[int, ChainHead]:
    ChainHead.objects.bulk_create([ChainHead(volunteer_id=v) for v in volunteer_ids], ignore_conflicts=True)
    heads = ChainHead.objects.filter(volunteer_id__in=volunteer_ids).order_by("volunteer_id")
    if connection.vendor == "postgresql":
        heads = heads.select_for_update()
    return {h.volunteer_id: h for h in heads}


# The columns of an imported record that vary from record to record, in the order of a row; the
# others are the same for the whole batch (`same` in write_batch) or their default. HASHED: the
# chained ones among them (chain.CHAINED_FIELDS).
VARYING = (
    "id",
    "volunteer_id",
    "organization_id",
    "activity_id",
    "region_code",
    "service_date",
    "started_at",
    "ended_at",
    "minutes",
    "activity_name",
    "content",
    "recipients",
    "recorder",
    "chain_index",
    "prev_hash",
    "hash",
)
HASHED = VARYING[:14]


def write_batch(
    batch: list[Record], *, plan, history_import, actor, org_ids, activity_ids, regions, credit, policy
) -> None:
    """One transaction: the batch's records chained, inserted, keyed, counted and sealed. The
    records are never model instances: each is the tuple of its VARYING values, hashed by
    `chain.canonical_encoder` (the batch's shared fields converted once) and inserted as it is;
    the rollups are summed by the database from the rows just inserted."""
    user = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        volunteer_ids = sorted({r[0] for r in batch})
        heads = lock_heads(volunteer_ids)
        ids = iter(reserve_ids(R, len(batch)))  # a record's id is part of its hash
        hours = {h.volunteer_id: h for h in VolunteerHours.objects.filter(volunteer_id__in=volunteer_ids)}
        totals = {v: hours[v].total_minutes if v in hours else 0 for v in volunteer_ids}
        now = timezone.now()
        same = {
            "kind": R.Kind.IMPORT,
            "source": R.Source.IMPORT,
            "is_credit": credit,
            "status": R.Status.CONFIRMED,
            "created_by_id": user.pk if user else None,
            "created_at": now,
            "confirmed_by_id": user.pk if user else None,
            "confirmed_at": now,
        }
        canonical = canonical_encoder(HASHED, same)
        date, moment = connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value
        rows: list[tuple] = []
        links: list[tuple[int, int, int, str]] = []
        stars: dict[int, tuple[int, int]] = {}
        for (
            volunteer,
            day,
            started,
            ended,
            minutes,
            org,
            activity,
            name,
            content,
            recipients,
            recorder,
            _key,
            _file,
            _row,
        ) in batch:
            head = heads[volunteer]
            org_id = org_ids[org]
            pk = next(ids)
            index, prev = head.length + 1, head.head_hash or GENESIS
            values = (
                pk,
                volunteer,
                org_id,
                activity_ids[activity] if activity else None,
                regions[org_id],
                day,
                started,
                ended,
                minutes,
                name,
                content,
                recipients,
                recorder,
                index,
            )
            hash_ = link_hash(prev, canonical(values))
            head.length, head.head_hash = index, hash_
            before = totals[volunteer]
            totals[volunteer] = after = before + minutes
            old, new = star_for(before, policy), star_for(after, policy)
            if new > old:
                stars[pk] = (old, new)
            rows.append((*values[:5], date(day), moment(started), moment(ended), *values[8:], prev, hash_))
            links.append((pk, volunteer, index, hash_))
        insert_rows(R, VARYING, rows, same=same)
        del rows
        bulk_save(ChainHead, list(heads.values()), ["length", "head_hash", "updated_at"])
        insert_rows(
            ImportedRow,
            ("key", "object_id", "record_id"),
            [(row[11], link[0], link[0]) for row, link in zip(batch, links, strict=True)],
            same={
                "source_id": plan.source.pk,
                "kind": ImportedRow.Kind.RECORD,
                "history_import_id": history_import.pk,
            },
        )
        record_ids = [link[0] for link in links]
        _add_to_rollups(record_ids, hours, totals, policy, credit)
        announce_stored(record_ids, stars)
        seal_links(links)
        HistoryImport.objects.filter(pk=history_import.pk).update(done=F("done") + len(links))


def _add_to_rollups(record_ids: list[int], hours, totals, policy, credit: bool) -> None:
    """The ledger's own rollups in bulk: MonthlyRollup rows added to with the sums of the records
    just inserted (`record_ids`), grouped by the database (core.bulk.add_selected); the batch's
    totals (`totals`, minutes per volunteer after it) go to their VolunteerHours rows (`hours`), read and
    written back (their star follows the total); the head locks serialize these volunteers' rows,
    as in chaining.add_to_rollups."""
    among, params = ids_in("id", record_ids)
    month = month_sql("service_date")
    # Only column names and fixed SQL; the ids are a parameter.
    add_selected(
        MonthlyRollup,
        ("volunteer_id", "organization_id", "month", "region_code", "minutes", "credit_minutes", "records"),
        f"SELECT volunteer_id, organization_id, {month}, MIN(region_code), SUM(minutes), "  # noqa: S608
        f"SUM(CASE WHEN is_credit THEN minutes ELSE 0 END), COUNT(*) FROM {R._meta.db_table} "
        f"WHERE {among} GROUP BY volunteer_id, organization_id, {month} "
        f"ORDER BY volunteer_id, organization_id, {month}",
        params,
        unique="one_rollup_row",
        adds=("minutes", "credit_minutes", "records"),
    )
    version = policy.version if policy else None
    changed = []
    for volunteer, total in totals.items():
        hour = hours.get(volunteer) or VolunteerHours(volunteer_id=volunteer)
        if credit:  # every record of an import has the source's is_credit
            hour.credit_minutes += total - hour.total_minutes
        hour.total_minutes = total
        hour.star = star_for(total, policy)
        hour.policy_version = version
        changed.append(hour)
    bulk_save(
        VolunteerHours, changed, ["total_minutes", "credit_minutes", "star", "policy_version", "updated_at"]
    )
