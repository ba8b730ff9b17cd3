"""A project's figures from the rollups (issue 12): its totals and its honors (credit), loaded into
the projects app's page, and the same by month."""

from __future__ import annotations

from django.shortcuts import render

from huiguang.credit.selectors.scores import project_honors
from huiguang.network.permissions import console_page
from huiguang.projects.selectors.projects import project_get_for

from ..project_figures import project_months, project_totals


@console_page
def project_figures(request, pk: int):
    """The project page's totals (?part=totals, loaded into the projects app's page) and by month."""
    project = project_get_for(request.user, pk)
    context = {"project": project, "totals": project_totals(project.pk), "honors": project_honors(project.pk)}
    if request.GET.get("part") == "totals":
        return render(request, "reports/projects/_totals.html", context)
    context["months"] = project_months(project.pk)
    return render(request, "reports/projects/figures.html", context)
