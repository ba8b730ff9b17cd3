"""Where things sit on a page: the role grant form before the list of grants."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_grant_form_comes_before_the_grants(as_role):
    body = as_role("city_admin").get(reverse("network:grant_list")).content.decode()
    form = body.index('id="grant-form"')
    assert form < body.index("<tbody>") and form < body.index('class="list-group d-md-none')
    assert body.count('<label class="form-label small mb-0" for="filter_role">') == 1
