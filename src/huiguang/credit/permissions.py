"""Who may do what with credit scores and honors, one rule per question (DESIGN §6).

- a volunteer reads their own score, history and honors, and asks for a review;
- the city admin edits the policy (a new version), answers reviews, records honors and
  recomputes a volunteer's score; the auditor reads what the city admin reads;
- the admins who see a volunteer in the console (volunteers.selectors.volunteer_list_for) read
  that volunteer's score and honors;
- the published policy is public.
"""

from __future__ import annotations

from huiguang.network.scope import scope_for


def may_manage_credit(user) -> bool:
    """Edits the policy, answers reviews, records honors, recomputes: the city admin."""
    return scope_for(user).city_admin


def may_read_credit_console(user) -> bool:
    """Reads the review queue, the distribution and the honors list: city admin and auditor."""
    return scope_for(user).city_wide
