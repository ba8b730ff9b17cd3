"""ScopePermissionBackend: network answers the permissions accounts asks (accounts/permissions.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from huiguang.accounts.permissions import may_manage_all_tokens, may_read_audit_log
from huiguang.network.scope import scope_for

# (persona, may manage every account's tokens, may read the audit log)
ANSWERS = [
    ("city_admin", True, True),
    ("auditor", False, True),
    ("town_admin", False, False),
    ("org_admin", False, False),
    ("volunteer", False, False),
]


@pytest.mark.parametrize("persona,tokens,audit", ANSWERS)
def test_roles_answer_the_accounts_permissions(city, persona, tokens, audit):
    user = city.users[persona]
    assert (may_manage_all_tokens(user), may_read_audit_log(user)) == (tokens, audit)


def test_anonymous_holds_neither():
    assert (may_manage_all_tokens(AnonymousUser()), may_read_audit_log(AnonymousUser())) == (False, False)


def test_a_refusal_costs_no_query_once_the_scope_is_known(city, django_assert_num_queries):
    # The backend is the authority for its permissions: ModelBackend's Permission rows are not loaded.
    user = city.users["town_admin"]
    scope_for(user)
    with django_assert_num_queries(0):
        assert not may_read_audit_log(user)


def test_other_permissions_are_left_to_the_model_backend(city):
    assert not city.users["city_admin"].has_perm("accounts.view_apitoken")
