"""The public list of seals (docs/ledger.md): anyone may keep a copy of the digests and later
prove that the ledger they are shown is the one that was sealed."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from huiguang.core.pagination import paginate

from ..selectors.seals import seal_list, trusted_key_list


@require_GET
def seals(request):
    context = {"page_obj": paginate(request, seal_list()), "keys": trusted_key_list()}
    return render(request, "ledger/seals/list.html", context)
