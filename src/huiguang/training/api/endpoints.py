"""The training router (see the package docstring). Outside the caller's scope: 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from huiguang.accounts.auth import PUBLIC_AUTH, PUBLIC_SECURITY
from huiguang.core.api import ERRORS, Pagination, RefusedOut
from huiguang.core.errors import FieldErrors
from huiguang.network.models import Organization
from huiguang.network.scope import scope_for
from huiguang.volunteers.selectors import volunteer_list_for

from .. import permissions as perms
from ..models import Qualification, QualificationType
from ..selectors import (
    course_catalogue,
    course_get,
    course_list_for,
    course_managed_get,
    my_qualifications,
    qualification_get_for,
    qualification_list_for,
    qualification_type_list,
    training_policy,
)
from ..services.courses import course_create, course_update, qualification_type_create, training_policy_set
from ..services.qualifications import qualification_record, qualification_revoke
from .schemas import (
    CourseChange,
    CourseFilter,
    CourseIn,
    CourseOut,
    PolicyIn,
    QualificationFilter,
    QualificationOut,
    QualificationRecordIn,
    QualificationTypeIn,
    QualificationTypeOut,
    RevokeIn,
    TrainingPolicyOut,
)

router = Router(tags=["training"])
WRITE_ERRORS = {**ERRORS, 409: RefusedOut}
OPTIONAL_FILE = File(None)  # a multipart file that may be missing (the service says what is wrong)


def _console(request) -> None:
    if not scope_for(request.user).is_console_user:
        raise Http404


# --- public ---------------------------------------------------------------------------------------


@router.get(
    "/courses",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: list[CourseOut], **ERRORS},
    summary="List the courses on offer",
)
@paginate(Pagination)
def course_list(request, filters: Query[CourseFilter]):
    return course_catalogue(category=filters.category or "", q=filters.q)


@router.get(
    "/courses/{int:course_id}",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: CourseOut, **ERRORS},
    summary="One course on offer",
)
def course_detail(request, course_id: int):
    return course_get(course_id)


@router.get(
    "/qualification-types",
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SECURITY,
    response={200: list[QualificationTypeOut], **ERRORS},
    summary="List the qualification types",
)
@paginate(Pagination)
def type_list(request):
    return qualification_type_list()


@router.get(
    "/me/qualifications",
    response={200: list[QualificationOut], **ERRORS},
    summary="My qualifications",
    description="With their expiry; revoked ones too (`revoked_at`). Empty without a volunteer profile.",
)
@paginate(Pagination)
def my_list(request):
    volunteer = getattr(request.user, "volunteer", None)
    return my_qualifications(volunteer) if volunteer is not None else Qualification.objects.none()


# --- console: courses and types -------------------------------------------------------------------


@router.get(
    "/console/courses",
    response={200: list[CourseOut], **ERRORS},
    summary="Every course, offered or not (console roles)",
)
@paginate(Pagination)
def console_course_list(request, filters: Query[CourseFilter]):
    _console(request)
    return course_list_for(request.user, category=filters.category or "", q=filters.q)


def _references(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    if data.get("provider") is not None:
        provider = Organization.objects.filter(pk=data["provider"]).first()
        if provider is None:
            errors["provider"] = [_("No organization has this id.")]
        data["provider"] = provider
    if data.get("grants") is not None:
        kind = QualificationType.objects.filter(pk=data["grants"]).first()
        if kind is None:
            errors["grants"] = [_("No qualification type has this id.")]
        data["grants"] = kind
    if errors:
        raise FieldErrors(errors)
    return data


@router.post("/console/courses", response={201: CourseOut, **WRITE_ERRORS}, summary="Create a course")
def console_course_create(request, payload: CourseIn):
    _console(request)
    data = _references(payload.dict())
    provider = data.pop("provider")
    if not perms.may_manage_provider(request.user, provider):
        raise FieldErrors({"provider": [_("Choose an organization you manage.")]})
    course = course_create(actor=request.user, provider=provider, request=request, **data)
    return Status(201, course)


@router.patch(
    "/console/courses/{int:course_id}",
    response={200: CourseOut, **WRITE_ERRORS},
    summary="Edit a course",
    description="Only the fields sent change. Courses of providers you do not manage: 404.",
)
def console_course_update(request, course_id: int, payload: CourseChange):
    _console(request)
    course = course_managed_get(request.user, course_id)
    data = _references(payload.dict(exclude_unset=True))
    for name in ("title", "category", "hours", "provider", "is_active", "syllabus", "pass_rule"):
        if name in data and data[name] is None:
            data.pop(name)
    provider = data.pop("provider", None)
    if provider is not None and not perms.may_manage_provider(request.user, provider):
        raise FieldErrors({"provider": [_("Choose an organization you manage.")]})
    return course_update(actor=request.user, course=course, provider=provider, request=request, **data)


@router.post(
    "/console/qualification-types",
    response={201: QualificationTypeOut, **WRITE_ERRORS},
    summary="Create a qualification type (city admins)",
)
def console_type_create(request, payload: QualificationTypeIn):
    _console(request)
    if not perms.may_manage_types(request.user):
        raise Http404
    return Status(201, qualification_type_create(actor=request.user, request=request, **payload.dict()))


# --- console: qualifications ----------------------------------------------------------------------


@router.get(
    "/console/qualifications",
    response={200: list[QualificationOut], **ERRORS},
    summary="Qualifications of the volunteers you see",
)
@paginate(Pagination)
def console_qualification_list(request, filters: Query[QualificationFilter]):
    _console(request)
    return qualification_list_for(request.user, type_id=filters.type, state=filters.state or "", q=filters.q)


@router.post(
    "/console/qualifications",
    response={201: QualificationOut, **WRITE_ERRORS},
    summary="Record a qualification from an outside certificate",
    description="multipart/form-data with the certificate's photo or scan in `evidence` (JPEG, PNG or WebP). "
    "Admins (city, region, organization) for volunteers they see.",
)
def console_qualification_record(
    request, payload: Form[QualificationRecordIn], evidence: UploadedFile | None = OPTIONAL_FILE
):
    _console(request)
    if not perms.may_record_qualifications(request.user):
        raise Http404
    data = payload.dict()
    volunteer = volunteer_list_for(request.user).filter(volunteer_number=data.pop("volunteer_number")).first()
    kind = QualificationType.objects.filter(pk=data.pop("type")).first()
    errors: dict[str, list[str]] = {}
    if volunteer is None:
        errors["volunteer_number"] = [_("No volunteer you manage has this number.")]
    if kind is None:
        errors["type"] = [_("No qualification type has this id.")]
    if volunteer is None or kind is None:
        raise FieldErrors(errors)
    qualification = qualification_record(
        actor=request.user, volunteer=volunteer, type=kind, evidence=evidence, request=request, **data
    )
    return Status(201, qualification)


@router.post(
    "/console/qualifications/{int:qualification_id}/revoke",
    response={200: QualificationOut, **WRITE_ERRORS},
    summary="Revoke a qualification",
    description="With a reason. 409 ALREADY_REVOKED.",
)
def console_qualification_revoke(request, qualification_id: int, payload: RevokeIn):
    _console(request)
    qualification = qualification_get_for(request.user, qualification_id)
    try:
        return qualification_revoke(
            actor=request.user, qualification=qualification, reason=payload.reason, request=request
        )
    except PermissionDenied:
        raise Http404 from None


# --- console: policy ------------------------------------------------------------------------------


@router.get(
    "/console/training-policy", response={200: TrainingPolicyOut, **ERRORS}, summary="The training policy"
)
def console_policy(request):
    _console(request)
    return training_policy()


@router.put(
    "/console/training-policy",
    response={200: TrainingPolicyOut, **ERRORS},
    summary="Set the training policy (city admins)",
    description="`count_hours`: training time also counts as (non-credit) volunteer hours.",
)
def console_policy_set(request, payload: PolicyIn):
    _console(request)
    if not perms.may_set_policy(request.user):
        raise Http404
    return training_policy_set(actor=request.user, count_hours=payload.count_hours, request=request)
