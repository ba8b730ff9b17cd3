"""Publishing a credit policy: always a new version; old snapshots keep theirs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from huiguang.core.audit import audit_log
from huiguang.core.errors import FieldErrors

from ..models import CreditPolicy
from ..permissions import may_manage_credit
from ..scoring import COMPONENT_KEYS, DEFAULT_COMPONENTS, SCALE_MAX


def _check(base: int, components: dict, bands: list[dict]) -> None:
    errors: dict[str, list[str]] = {}
    if not 0 <= base <= SCALE_MAX:
        errors["base"] = [_("Give between 0 and %(max)d points.") % {"max": SCALE_MAX}]
    for key in COMPONENT_KEYS:
        given = components.get(key) or {}
        for name in DEFAULT_COMPONENTS[key]:
            value = given.get(name)
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= SCALE_MAX:
                errors.setdefault(f"{key}_{name}", []).append(
                    _("Give a number between 0 and %(max)d.") % {"max": SCALE_MAX}
                )
    rel = components.get("reliability") or {}
    if not errors and rel.get("prior_attended", 0) > rel.get("prior_shifts", 0):
        errors["reliability_prior_attended"] = [
            _("The prior attended shifts cannot exceed the prior shifts.")
        ]
    if not errors and rel.get("prior_shifts", 0) <= 0:
        errors["reliability_prior_shifts"] = [_("Give at least one prior shift.")]
    q = components.get("quality") or {}
    if not errors and not (1 <= q.get("prior_mean", 0) <= 5 and q.get("prior_count", 0) > 0):
        errors["quality_prior_mean"] = [
            _("The prior rating lies between 1 and 5, with at least one prior rating.")
        ]
    if not errors and (components.get("hours") or {}).get("weight", 0) <= 0:
        errors["hours_weight"] = [_("Give a weight above 0.")]
    mins = [b.get("min") for b in bands]
    labels = [str(b.get("label", "")).strip() for b in bands]
    if not bands or 0 not in mins or len(set(mins)) != len(mins) or not all(labels):
        errors["bands"] = [_("Give bands with distinct lower bounds, one of them 0, each with a label.")]
    if errors:
        raise FieldErrors(errors)


def policy_publish(
    *, actor, base: int, components: dict, bands: list[dict], description: str, request=None
) -> CreditPolicy:
    """A new policy version in force now. Snapshots follow at the next recompute (nightly, the
    console's "recompute now", or when a volunteer opens their score page)."""
    if not may_manage_credit(actor):
        raise PermissionDenied
    _check(base, components, bands)
    clean = {key: {name: components[key][name] for name in DEFAULT_COMPONENTS[key]} for key in COMPONENT_KEYS}
    bands = sorted(
        ({"min": int(b["min"]), "label": str(b["label"]).strip()[:40]} for b in bands), key=lambda b: b["min"]
    )
    try:
        with transaction.atomic():
            version = (CreditPolicy.objects.aggregate(v=Max("version"))["v"] or 0) + 1
            policy = CreditPolicy.objects.create(
                version=version,
                base=base,
                components=clean,
                bands=bands,
                description=description.strip(),
                effective_from=timezone.now(),
                created_by=actor,
            )
            audit_log(
                action="credit.policy_publish", actor=actor, obj=policy, request=request, version=version
            )
    except IntegrityError:
        raise FieldErrors(
            {"__all__": [_("Another version was published at the same time; try again.")]}
        ) from None
    return policy
