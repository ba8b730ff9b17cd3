"""The published credit policy: every version, public."""

from __future__ import annotations

from django.shortcuts import render

from ..explain import LABELS
from ..forms import PARAM_LABELS
from ..scoring import COMPONENT_KEYS, DEFAULT_COMPONENTS, merged_params
from ..selectors.scores import current_policy, policy_get, policy_list


def policy_context(policy) -> dict:
    components = [
        {
            "key": key,
            "label": LABELS[key],
            "params": [
                (PARAM_LABELS[name], merged_params(policy.components, key).get(name))
                for name in DEFAULT_COMPONENTS[key]
            ],
        }
        for key in COMPONENT_KEYS
    ]
    return {"policy": policy, "components": components, "versions": policy_list()[:20]}


def policy(request, version: int | None = None):
    shown = current_policy() if version is None else policy_get(version)
    return render(request, "credit/policy.html", policy_context(shown))
