"""The audit log in words: a label for every action code the code base writes (a test reads the
`audit_log(` calls in the source and fails on a code without one) and readable details."""

from __future__ import annotations

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from huiguang.core.formatting import format_hours

# Labels of the audit log's actions. An action missing here is shown as written.
ACTION_LABELS = {
    "login": _("logged in"),
    "login_failed": _("failed login"),
    "volunteer_registered": _("volunteer registered"),
    "id_number_viewed": _("full ID number viewed"),
    "grant_created": _("role granted"),
    "grant_revoked": _("role revoked"),
    "token_created": _("API token created"),
    "token_revoked": _("API token revoked"),
    "volunteers_imported": _("volunteers imported"),
    "export": _("data exported"),
    "guardian_consent": _("guardian's consent given"),
    "guardian_standing_consent_given": _("guardian's standing consent given"),
    "guardian_standing_consent_withdrawn": _("guardian's standing consent withdrawn"),
    "enrollment_guardian_approved": _("sign-up approved by the guardian"),
    "enrollment_guardian_declined": _("sign-up declined by the guardian"),
    "membership_applied": _("membership applied for"),
    "membership_approved": _("membership approved"),
    "membership_rejected": _("membership rejected"),
    "membership_left": _("membership ended"),
    "membership_removed": _("member removed"),
    "membership_role_changed": _("member's role changed"),
    "organization_created": _("organization created"),
    "organization_updated": _("organization changed"),
    "organization_approved": _("organization approved"),
    "organization_rejected": _("organization rejected"),
    "organization_suspended": _("organization suspended"),
    "organization_reactivated": _("organization reactivated"),
    "organization_applied": _("organization applied for registration"),
    "membership_withdrawn": _("membership application withdrawn"),
    "region_updated": _("region changed"),
    "site_created": _("service site created"),
    "site_updated": _("service site changed"),
    "demo_city_seeded": _("demo city seeded"),
    "notification_preferences_changed": _("notification channels changed"),
    "calendar_link_regenerated": _("calendar link regenerated"),
    "activity_created": _("activity created"),
    "activity_updated": _("activity changed"),
    "activity_submitted": _("activity submitted for review"),
    "activity_published": _("activity published"),
    "activity_approved": _("activity approved"),
    "activity_rejected": _("activity returned for changes"),
    "activity_cancelled": _("activity cancelled"),
    "activity_finished": _("activity finished"),
    "activity_outcome_recorded": _("activity outcome recorded"),
    "activity_archived": _("activity archived"),
    "activity_copied": _("activity copied"),
    "shift_created": _("shift created"),
    "shifts_created": _("shifts created"),
    "shift_updated": _("shift changed"),
    "shift_deleted": _("shift deleted"),
    "activity_photo_added": _("activity photo added"),
    "activity_photo_deleted": _("activity photo removed"),
    "series_created": _("recurring activity created"),
    "series_updated": _("recurring activity changed"),
    "enrollment_created": _("signed up"),
    "enrollment_cancelled": _("sign-up cancelled"),
    "enrollment_withdrawn": _("sign-up withdrawn"),
    "enrollment_promoted": _("promoted from the waitlist"),
    "enrollment_approved": _("sign-up approved"),
    "enrollment_rejected": _("sign-up not accepted"),
    "enrollment_team_signup": _("team signed up"),
    "enrollments_cancelled_with_activity": _("sign-ups cancelled with the activity"),
    # attendance
    "attendance.check_in": _("checked in"),
    "attendance.check_out": _("checked out"),
    "attendance.auto_close": _("check-ins closed automatically"),
    # the ledger
    "records.confirm": _("service records confirmed"),
    "record.reject": _("service records rejected"),
    "record.append.service": _("service record written"),
    "record.append.makeup": _("make-up record written"),
    "record.append.correction": _("correcting record written"),
    "record.append.reversal": _("reversing record written"),
    "record.append.import": _("imported record written"),
    "makeup.request": _("make-up hours requested"),
    "makeup.approve": _("make-up hours approved"),
    "makeup.reject": _("make-up hours rejected"),
    "dispute.open": _("dispute opened"),
    "dispute.accept": _("dispute accepted"),
    "dispute.reject": _("dispute rejected"),
    "star_policy.create": _("star policy changed"),
    "rollups.rebuild": _("monthly totals rebuilt"),
    "certificate_requested": _("certificate requested"),
    "certificate_issued": _("certificate issued"),
    "certificate_refused": _("certificate refused"),
    "certificate_revoked": _("certificate revoked"),
    "certificate_official_print": _("certificate printed with the full ID number"),
    # projects: projects, brands and their funding
    "project_created": _("project created"),
    "project_updated": _("project changed"),
    "project_status_changed": _("project status changed"),
    "project_photo_added": _("project photo added"),
    "brand_created": _("brand created"),
    "brand_sites_changed": _("brand sites changed"),
    "funder_created": _("funder created"),
    "programme_created": _("funding programme created"),
    "funding_grant_created": _("grant recorded"),
    "milestone_created": _("milestone added"),
    "disbursement_created": _("grant payment recorded"),
    "mentor_assigned": _("project mentor assigned"),
    "milestone_report_submitted": _("milestone report sent"),
    "milestone_report_reviewed": _("milestone report reviewed"),
    "reports.project_rollups.rebuild": _("project rollups rebuilt"),
    # competitions
    "competition_created": _("competition created"),
    "competition_changed": _("competition set up"),
    "judge_added": _("judge added"),
    "entry_submitted": _("competition entry submitted"),
    "entry_reviewed": _("competition entry reviewed"),
    "score_submitted": _("scores submitted"),
    "round_closed": _("competition round closed"),
    "award_given": _("award given"),
    "results_published": _("competition results published"),
}
# benefits: the consent ledger, the partner register, offers and their codes
ACTION_LABELS |= {
    "consent.grant": _("consent given to a partner"),
    "consent.withdraw": _("consent withdrawn"),
    "partner.create": _("partner registered"),
    "partner.update": _("partner changed"),
    "partner.staff_add": _("partner staff account added"),
    "partner.staff_active": _("partner staff account (de)activated"),
    "offer.create": _("offer published"),
    "offer.update": _("offer changed"),
    "offer.claim": _("offer claimed"),
    "offer.cancel": _("claim cancelled"),
    "offer.redeem": _("code redeemed"),
    "offer.statistics_export": _("offer statistics exported"),
    "credit.policy_publish": _("credit policy published"),
    "credit.recompute": _("credit scores recomputed"),
    "credit.review_request": _("credit score review requested"),
    "credit.review_kept": _("credit score review answered: kept"),
    "credit.review_corrected": _("credit score review answered: corrected"),
    "honor.create": _("honor recorded"),
    "honor.import": _("honors imported"),
    "loan_product.create": _("loan product created"),
    "loan_product.update": _("loan product changed"),
    "loan_referral.request": _("loan referral requested"),
    "loan_referral.approve": _("loan approved"),
    "loan_referral.refuse": _("loan refused"),
    "loan_statistics.export": _("loan statistics exported"),
    "points_policy.save": _("school points policy saved"),
    "points_application.submit": _("school points application submitted"),
    "points_application.approve": _("school points application approved"),
    "points_application.refuse": _("school points application refused"),
    "points_statistics.export": _("school points statistics exported"),
    "bulletin.generate": _("monthly bulletin generated"),
    "bulletin.review": _("monthly bulletin reviewed"),
    "bulletin.publish": _("monthly bulletin published"),
    "reports.rollups.rebuild": _("report totals rebuilt"),
    "reports.assessment_scheme.create": _("assessment scheme created"),
    "reports.indicator.add": _("assessment indicator added"),
    "reports.indicator.update": _("assessment indicator changed"),
    "reports.indicator.remove": _("assessment indicator removed"),
    "reports.assessment_run.compute": _("assessment scored"),
    "reports.assessment_run.lock": _("assessment results locked"),
    "reports.assessment_run.publish": _("assessment results published"),
    "reports.manual_score.set": _("manual assessment score given"),
    "reports.hourly_rate.set": _("hourly rate for the impact value set"),
    # training
    "course_created": _("course created"),
    "course_updated": _("course changed"),
    "qualification_type_created": _("qualification type created"),
    "training_policy_changed": _("training policy changed"),
    "qualification_granted": _("qualification granted by a course session"),
    "qualification_restored": _("qualification restored"),
    "qualification_recorded": _("qualification recorded from a certificate"),
    "qualification_revoked": _("qualification revoked"),
    "training_result_marked": _("training result marked"),
    # needs: residents' requests
    "activity_assigned": _("one-shift activity created for an assigned task"),
    "resident_code_sent": _("resident's sign-up code sent"),
    "resident_registered": _("resident signed up"),
    "service_request_posted": _("resident's request posted"),
    "service_request_accepted": _("resident's request accepted"),
    "service_request_declined": _("resident's request declined"),
    "service_request_merged": _("resident's request merged into another"),
    "service_request_dispatched": _("resident's request dispatched to a team"),
    "service_request_opened": _("resident's request opened to volunteers"),
    "service_request_taken": _("resident's request taken"),
    "service_request_assigned": _("resident's request assigned to a volunteer"),
    "service_request_closed": _("resident's request closed"),
    "service_request_rated": _("resident's request rated"),
    "service_request_contact_viewed": _("resident's contact phone viewed"),
    # campaigns
    "campaign_created": _("mobilization campaign created"),
    "campaign_opened": _("mobilization campaign opened for recruitment"),
    "campaign_closed": _("mobilization campaign's recruitment closed"),
    "campaign_ended": _("mobilization campaign ended"),
    "campaign_recruit_joined": _("volunteer joined a mobilization campaign"),
    "campaign_recruits_screened": _("campaign recruits screened"),
    "campaign_course_pushed": _("campaign's induction course pushed to recruits"),
    "campaign_recruits_assigned": _("campaign recruits placed on shifts in bulk"),
    "campaign_blast_sent": _("message sent to campaign recruits"),
    "enrollment_bulk_placed": _("volunteers placed on a shift in bulk"),
    # honors
    "honor.awards_record": _("competition awards recorded as project honors"),
    # drives
    "drive_created": _("recruitment drive created"),
    "drive_opened": _("recruitment drive opened"),
    "drive_closed": _("recruitment drive closed"),
    "drive_unit_added": _("unit added to a recruitment drive"),
    "drive_unit_changed": _("recruitment drive unit changed"),
    "drive_enrolled_imported": _("enrolled league members imported"),
    "drive_signed_up": _("signed up through a recruitment drive"),
    "drive_membership_approved": _("membership approved by a recruitment drive"),
}

# history
ACTION_LABELS |= {
    "history.check": _("history import checked (dry-run)"),
    "history.apply": _("history imported"),
    "history.export": _("history exported"),
    # care
    "care_recipient_created": _("person added to the care register"),
    "care_recipient_updated": _("care register changed"),
    "care_recipient_ended": _("care ended"),
    "care_recipient_viewed": _("care recipient's personal data viewed"),
    "care_records_purged": _("care records erased after the retention period"),
    "visit_plan_created": _("home visits planned"),
    "care_visit_logged": _("home visit logged"),
    "care_visit_request_made": _("need found on a home visit posted as a request"),
}

# Families of actions whose members other apps may add later: "membership_transferred" is
# shown as "membership: transferred" rather than raw.
ACTION_FAMILY_LABELS = {
    "membership_": pgettext_lazy("audit action family", "membership"),
    "organization_": pgettext_lazy("audit action family", "organization"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    for prefix, family in ACTION_FAMILY_LABELS.items():
        if action.startswith(prefix) and len(action) > len(prefix):
            return f"{family}: {action[len(prefix) :].replace('_', ' ')}"
    return action


# The keys of `detail` that the services write; an unknown key is shown with spaces for "_".
DETAIL_LABELS = {
    "reason": _("reason"),
    "partner": _("partner"),
    "purpose": _("purpose"),
    "rows": _("rows"),
    "fields": _("fields"),
    "for_user": _("for account"),
    "what": _("what"),
    "status": _("status"),
    "count": _("how many"),
    "before": _("before"),
    "role": _("role"),
    "minutes": _("hours"),
    "record": _("record"),
    "created": _("created"),
    "activity": _("activity"),
    "photo": _("photo"),
    "was": _("was"),
    "seed": _("seed"),
    "counts": _("numbers"),
    "method": _("method"),
    "enrollment": _("sign-up"),
    "recorded": _("recorded"),
    "note": _("note"),
    "email": _("e-mail"),
    "sms": _("SMS"),
    "thresholds": _("thresholds (hours)"),
    "upgraded": _("upgraded"),
    "ids": _("records"),
    "differences": _("differences"),
    "volunteer": _("volunteer"),
    "reversal": _("reversing record"),
    "correction": _("correcting record"),
    "number": _("number"),
    "phones": _("mobile numbers"),
    "template": _("template"),
    "rule": _("rule"),
    "generated": _("generated"),
    "grid": _("grid"),
    "updated": _("updated"),
    "times_kept": _("times kept"),
    "cancelled": _("cancelled"),
    "kind": _("kind"),
    "shift": _("shift"),
    "by_organizer": _("by the organizer"),
    "volunteers": _("volunteers"),
    "told": _("told"),
    "without_review": _("without review"),
    "enrollments": _("sign-ups"),
    "source": _("source"),
    "format": _("format"),
    "filters": _("filters"),
    "organization": _("organization"),
    "file": _("file"),
    "sha256": _("SHA-256"),
    "joined": _("joined"),
    "already": _("already"),
}

# A long list of ids is cut to its first few, with the number of the others.
MAX_LISTED = 5


def _value(key: str, value) -> str:
    if key == "minutes" and isinstance(value, int) and not isinstance(value, bool):
        return f"{format_hours(value)} h"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        shown = ", ".join(str(v) for v in value[:MAX_LISTED])
        more = len(value) - MAX_LISTED
        return shown + (" " + gettext("and %(n)d more") % {"n": more} if more > 0 else "")
    if isinstance(value, dict):
        return ", ".join(f"{_key(k)} {_value(k, v)}" for k, v in value.items())
    return str(value)


def _key(key: str) -> str:
    label = DETAIL_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


def detail_text(detail: dict | None) -> str:
    """ "hours: 3.5 h · records: 1, 2, 3, 4, 5 and 410 more" — labels translated, in key order."""
    if not isinstance(detail, dict):
        return str(detail or "")
    return " · ".join(f"{_key(k)}: {_value(k, v)}" for k, v in sorted(detail.items()))
