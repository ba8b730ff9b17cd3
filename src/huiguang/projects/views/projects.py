"""Console pages of projects and brands. Writes go through services/projects.py: PermissionDenied
answers 404 (console_page), Refused the page that says why (409), FieldErrors the form (422)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiguang.core.errors import FieldErrors, Refused
from huiguang.core.forms import form_status, show_errors
from huiguang.core.pagination import paginate
from huiguang.core.params import BadParam, id_param
from huiguang.network.permissions import console_page
from huiguang.network.selectors import organization_managed_by, site_list_for

from ..forms.projects import BrandForm, BrandSitesForm, PhotoForm, ProjectForm, ProjectStatusForm
from ..models import Project
from ..permissions import may_create_projects, may_manage_brand, may_manage_funding, may_manage_project
from ..selectors.funding import grants_of_project
from ..selectors.projects import (
    brand_get_for,
    brand_list_for,
    project_get_for,
    project_list_for,
    project_managed_get_for,
    project_mentor,
)
from ..services import projects as services
from .common import PAGE, posted, posted_data, refused


@console_page
def project_list(request):
    try:
        brand_id = id_param(request.GET.get("brand"))
    except BadParam:
        brand_id = None
    status = request.GET.get("status", "")
    search = request.GET.get("q", "").strip()[:60]
    qs = project_list_for(request.user, status=status, brand_id=brand_id, search=search)
    context = {
        "page_obj": paginate(request, qs, PAGE),
        "status": status if status in Project.Status.values else "",
        "statuses": Project.Status.choices,
        "q": search,
        "may_create": may_create_projects(request.user),
    }
    return render(request, "projects/projects/list.html", context)


@console_page
def project_create(request):
    if not may_create_projects(request.user):
        raise Http404
    form = ProjectForm(
        *posted(request),
        organizations=organization_managed_by(request.user),
        brands=brand_list_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                request=request,
                **form.service_kwargs(),
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The project was created."))
            return redirect("projects:project_detail", project.pk)
    return render(request, "projects/projects/form.html", {"form": form}, status=form_status(form))


@console_page
def project_detail(request, pk: int):
    project = project_get_for(request.user, pk)
    may_manage = may_manage_project(request.user, project)
    context = {
        "project": project,
        "grants": grants_of_project(project),
        "mentor": project_mentor(project),
        "may_manage": may_manage,
        "may_fund": may_manage_funding(request.user),
        "status_form": ProjectStatusForm(initial={"status": project.status}) if may_manage else None,
        "photo_form": PhotoForm() if may_manage else None,
    }
    return render(request, "projects/projects/detail.html", context)


@console_page
def project_edit(request, pk: int):
    project = project_managed_get_for(request.user, pk)
    form = ProjectForm(
        *posted(request),
        project=project,
        brands=brand_list_for(request.user),
        initial=ProjectForm.initial_for(project),
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        co = data.pop("co_organizations")
        logo = data.pop("logo", None)
        try:
            services.project_update(
                actor=request.user, project=project, co_organizations=co, logo=logo, request=request, **data
            )
        except Refused as exc:
            return refused(request, exc, reverse("projects:project_detail", args=[project.pk]))
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("projects:project_detail", project.pk)
    return render(
        request, "projects/projects/form.html", {"form": form, "project": project}, status=form_status(form)
    )


@require_POST
@console_page
def project_status(request, pk: int):
    project = project_managed_get_for(request.user, pk)
    form = ProjectStatusForm(request.POST)
    back = reverse("projects:project_detail", args=[project.pk])
    if not form.is_valid():
        return render(
            request,
            "projects/message.html",
            {"heading": _("Not possible"), "message": _("Choose a status."), "back": back},
            status=422,
        )
    try:
        services.project_set_status(
            actor=request.user, project=project, status=form.cleaned_data["status"], request=request
        )
    except Refused as exc:
        return refused(request, exc, back)
    messages.success(request, _("The project's status was changed."))
    return redirect(back)


@require_POST
@console_page
def project_photo_add(request, pk: int):
    project = project_managed_get_for(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    back = reverse("projects:project_detail", args=[project.pk])
    if form.is_valid():
        try:
            services.project_photo_add(
                actor=request.user,
                project=project,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                request=request,
            )
        except Refused as exc:
            return refused(request, exc, back)
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The photo was added."))
            return redirect(back)
    context = {"form": form, "project": project, "title": _("Add a photo"), "back": back}
    return render(request, "projects/projects/photo_form.html", context, status=form_status(form))


# --- brands ------------------------------------------------------------------------------------------


@console_page
def brand_list(request):
    context = {"brands": brand_list_for(request.user), "may_create": may_create_projects(request.user)}
    return render(request, "projects/brands/list.html", context)


@console_page
def brand_create(request):
    if not may_create_projects(request.user):
        raise Http404
    form = BrandForm(
        *posted(request),
        organizations=organization_managed_by(request.user),
        sites=site_list_for(request.user).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            brand = services.brand_create(
                actor=request.user,
                organization=data["organization"],
                name=data["name"],
                description=data["description"],
                sites=list(data["sites"]),
                logo=data.get("logo"),
                request=request,
            )
        except FieldErrors as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The brand was created."))
            return redirect("projects:brand_detail", brand.pk)
    return render(request, "projects/brands/form.html", {"form": form}, status=form_status(form))


@console_page
def brand_detail(request, pk: int):
    brand = brand_get_for(request.user, pk)
    may_manage = may_manage_brand(request.user, brand)
    form = None
    if may_manage:
        sites = site_list_for(request.user).order_by("name")
        form = BrandSitesForm(posted_data(request), sites=sites, initial={"sites": list(brand.sites.all())})
        if request.method == "POST" and form.is_valid():
            services.brand_set_sites(
                actor=request.user, brand=brand, sites=list(form.cleaned_data["sites"]), request=request
            )
            messages.success(request, _("The brand's sites were saved."))
            return redirect("projects:brand_detail", brand.pk)
    elif request.method == "POST":
        raise Http404
    context = {"brand": brand, "form": form}
    return render(request, "projects/brands/detail.html", context, status=form_status(form))
