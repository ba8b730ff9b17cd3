"""What the guardian and the child are told about a sign-up that waits for the guardian (rule 14 of
activities.rules), written in the site's language like every other notice (notices.site_language).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from huiguang.notifications.services import notify

from ..models import Enrollment, Shift
from .notices import activity_url, shift_text, site_language


def ward_url(enrollment: Enrollment) -> str:
    # The guardian's page of the child lives in the ledger (it shows the hours too); reversed by
    # name, so activities imports nothing from above.
    return reverse("ledger:ward", args=[enrollment.volunteer_id])


def tell_guardian_to_decide(enrollment: Enrollment, shift: Shift) -> None:
    guardian = enrollment.volunteer.guardian
    if guardian is None:
        return
    with site_language():
        text = {**shift_text(shift), "name": enrollment.volunteer.real_name}
        notify(
            user=guardian.user,
            kind="guardian_approval",
            title=_("%(name)s wants to sign up: %(activity)s") % text,
            body=_(
                "%(name)s signed up for %(shift)s (%(when)s). The sign-up waits for your consent: "
                "approve or decline it on your child's page."
            )
            % text,
            url=ward_url(enrollment),
            dedupe_key=f"guardian_approval:{enrollment.pk}",
        )


def tell_child_guardian_decided(enrollment: Enrollment, shift: Shift, *, approved: bool) -> None:
    """The child's notice: the guardian's answer and, when approved, what the sign-up became."""
    with site_language():
        text = shift_text(shift)
        if not approved:
            title = _("Your guardian did not agree: %(activity)s") % text
            body = _("Your guardian did not agree to your sign-up for %(shift)s (%(when)s).") % text
        elif enrollment.status == Enrollment.Status.CONFIRMED:
            title = _("Your guardian agreed: %(activity)s") % text
            body = _("Your guardian agreed: you are confirmed for %(shift)s (%(when)s).") % text
        elif enrollment.status == Enrollment.Status.WAITLISTED:
            title = _("Your guardian agreed: %(activity)s") % text
            body = (
                _(
                    "Your guardian agreed, but every place on %(shift)s (%(when)s) is taken: you are on "
                    "the waitlist."
                )
                % text
            )
        else:
            title = _("Your guardian agreed: %(activity)s") % text
            body = _("Your guardian agreed to %(shift)s (%(when)s); now the organizer decides.") % text
        notify(
            user=enrollment.volunteer.user,
            kind="guardian_decision",
            title=title,
            body=body,
            url=activity_url(shift.activity),
            dedupe_key=f"guardian_decision:{enrollment.pk}",
        )
