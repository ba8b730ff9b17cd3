"""The kinds of notification, and which of them are worth an SMS.

`Notification.kind` is free text (every app may notify), but the apps use these names so that the
channel rules below recognise them. The centre shows every kind; e-mail carries every kind to
users who chose it; SMS, which costs the city money and interrupts, carries only what a
volunteer must know in time: reminders before a shift and changes to a place they hold.
"""

REMINDER = "reminder"  # 24 h / 2 h before a confirmed shift
ENROLLMENT_PROMOTED = "enrollment_promoted"  # moved from the waitlist to a place
ENROLLMENT_CONFIRMED = "enrollment_confirmed"  # an approval-mode sign-up accepted
ENROLLMENT_WAITLISTED = "enrollment_waitlisted"  # accepted, but onto the waitlist
ENROLLMENT_REJECTED = "enrollment_rejected"
ENROLLMENT_TEAM = "enrollment_team"  # a team leader signed the volunteer up
ENROLLMENT_CANCELLED = "enrollment_cancelled"  # cancelled by the organizer (not by the volunteer)
ACTIVITY_CANCELLED = "activity_cancelled"  # to everyone enrolled
ACTIVITY_CHANGED = "activity_changed"  # time or place of a shift the volunteer holds changed
QUALIFICATION_EXPIRING = "qualification_expiring"  # a qualification expires within 30 days (daily task)
CAMPAIGN_COURSE = "campaign_course"  # a mobilization campaign's induction course and its next sessions
CAMPAIGN_BLAST = "campaign_blast"  # a mobilization campaign's message to its recruits (应急动员)

SMS_KINDS = frozenset(
    {
        REMINDER,
        ENROLLMENT_PROMOTED,
        ENROLLMENT_CONFIRMED,
        ENROLLMENT_TEAM,
        ENROLLMENT_CANCELLED,
        ACTIVITY_CANCELLED,
        ACTIVITY_CHANGED,
        CAMPAIGN_COURSE,
        CAMPAIGN_BLAST,
    }
)


def sms_worthy(kind: str) -> bool:
    return kind in SMS_KINDS
