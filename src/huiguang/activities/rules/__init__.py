"""The sign-up rules: one function, `enrollment_check`, decides whether a volunteer may sign up for
a shift and with what outcome. The web pages, the API, the services and the tests all use it, and
every refusal carries a reason code and a sentence a volunteer understands.

The rules, in the order they are checked (the first one that fails is the answer):

1. the volunteer's account is active (not suspended, not awaiting a guardian's consent);
2. the activity is published (not a draft, cancelled, finished or archived);
3. the shift has not started;
4. sign-up is open: `activity.recruit_opens_at` has passed (if set) and
   `activity.recruit_closes_at` (default: the shift's start) has not;
5. the volunteer has no active enrollment (applied, confirmed, waitlisted) on this shift;
6. members-only activities (`members_only`, or visibility "members"): the volunteer has an active
   membership in the activity's organization **or in an organization below it** (a member of the
   sub-team 东湖社区小分队 may join the members-only activities of 当湖街道志愿服务队, but a member
   of the parent organization is not thereby a member of a sub-team's private activities: a
   sub-team is part of its parent, not the other way round);
7. political status, when required, is exactly the one required (a Party member does not pass
   for a League-only activity: the organizer asked for League members);
8. age on the day of the shift (Asia/Shanghai date of its start) within [min_age, max_age];
9. the volunteer has every skill the activity requires (self-declared tags), and every
   qualification the activity and the shift require (training app), not revoked and valid until
   the shift's end: MISSING_QUALIFICATION or QUALIFICATION_EXPIRED, with the course that grants
   it and its next session (`Decision.link` leads to the course);
10. fewer than HUIGUANG_NO_SHOW_LIMIT enrollments marked no_show on shifts that started within
    the last HUIGUANG_NO_SHOW_WINDOW_DAYS days;
11. no overlap with another active enrollment: two shifts overlap when their intervals intersect
    for more than HUIGUANG_OVERLAP_GRACE_MINUTES (back-to-back shifts, or a 15-minute handover,
    are fine);
12. the written agreement (书面协议) is accepted when the activity requires one;
13. capacity: a free place → confirmed (approval mode: applied); otherwise a free waitlist place
    → waitlisted (approval mode: applied, decided later); otherwise FULL;
14. a child under HUIGUANG_GUARDIAN_AGE on the day of the sign-up (the 条例: a minor takes part
    with the guardian's consent) whose guardian has not given the standing consent: the sign-up is
    held as `applied` with the reason GUARDIAN_APPROVAL and claims nothing; when the guardian
    approves (services.enrollments.enrollment_guardian_decide), every rule and the capacity are
    checked again (`guardian_approved=True`) and the place is taken then. A child without a
    guardian on record cannot sign up alone (NO_GUARDIAN).

`signup_context()` loads everything about the volunteer that the rules need in a fixed number of
queries, so checking a whole list of shifts (D's "shifts I can take") costs no query per shift,
provided the shifts come with `select_related("activity")` and `prefetch_related(*SHIFT_RULE_PREFETCH)`.
A refusal for a qualification looks up how to get it once per context batch (one query, shared).

The modules: `reasons` (Decision, Reason and the codes' sets), `context` (SignupContext and its
loading), `checks` (rules 1-14 one by one), `decide` (enrollment_check), `organizers` (who
organizes a shift, who a leader may sign up as a team). The names below are the public ones.
"""

from .checks import capacity_outcome, guardian_approval_needed, rule_refusal
from .context import (
    REQUIREMENT_FLAGS,
    SHIFT_RULE_PREFETCH,
    ActiveEnrollment,
    SignupContext,
    context_without_shift,
    load_requirements,
    signup_context,
    signup_context_for_shift,
    signup_contexts,
)
from .decide import enrollment_check
from .organizers import enrollments_organized_by, shifts_organized_by, team_members_q
from .reasons import GUARDIAN_PENDING, UNPROCESSABLE, Decision, Reason

__all__ = [
    "GUARDIAN_PENDING",
    "REQUIREMENT_FLAGS",
    "SHIFT_RULE_PREFETCH",
    "UNPROCESSABLE",
    "ActiveEnrollment",
    "Decision",
    "Reason",
    "SignupContext",
    "capacity_outcome",
    "context_without_shift",
    "enrollment_check",
    "enrollments_organized_by",
    "guardian_approval_needed",
    "load_requirements",
    "rule_refusal",
    "shifts_organized_by",
    "signup_context",
    "signup_context_for_shift",
    "signup_contexts",
    "team_members_q",
]
