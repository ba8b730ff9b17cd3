"""API v1, volunteers: registration, the caller's own profile (/me) and the scoped volunteer lists.

No answer ever carries a full ID number: profiles show `Volunteer.id_masked` and a masked phone
(the owner and city administrators see the full number on the web, through an audited action).
"""

from django.db.models import Q
from ninja import Query, Router, Status
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, FieldErrorsOut, Pagination
from huiguang.network.api import region_path
from huiguang.network.models import Grant, Membership

from .models import Volunteer
from .schemas import MeOut, RegistrationIn, VolunteerFilter, VolunteerOut
from .selectors import OPEN, volunteer_get_for, volunteer_list_for
from .services import Registration, volunteer_register

router = Router(tags=["volunteers"])


@router.post(
    "/auth/register",
    auth=None,
    response={201: VolunteerOut, 422: FieldErrorsOut},
    tags=["accounts"],
    summary="Register as a volunteer",
    description="Creates the account (the mobile number is the login) and the volunteer profile. Every "
    "field is checked at once: 422 lists the messages per field, and nothing is stored. Under-14s need "
    "a registered adult guardian (`guardian_phone`) and stay `awaiting_guardian` until they agree. "
    "Then obtain a token with `POST /auth/token`.",
)
def register(request, payload: RegistrationIn):
    volunteer = volunteer_register(data=Registration(**payload.dict()), request=request)
    return Status(201, volunteer)


@router.get(
    "/me",
    response={200: MeOut, **ERRORS},
    tags=["accounts"],
    summary="Who am I",
    description="Your account, your roles (grants with their scope), your volunteer profile and memberships.",
)
def me(request):
    user = request.user
    volunteer = (
        Volunteer.objects.select_related("user", "residence_region")
        .prefetch_related("skills")
        .filter(user=user)
        .first()
    )
    return {
        "user": user,
        "roles": Grant.objects.filter(user=user).select_related("region", "organization"),
        "volunteer": volunteer,
        "memberships": volunteer.memberships.select_related("organization") if volunteer else [],
    }


@router.get(
    "/volunteers",
    response={200: list[VolunteerOut], **ERRORS},
    summary="List volunteers",
    description="Volunteers in your scope, newest first: city-wide roles see everyone, a region "
    "administrator the residents of the region and the members of its organizations, an organization "
    "administrator the members and applicants of the organization and its sub-teams, a leader the "
    "active members of the team. Others get an empty list (their own profile is in `GET /me`). "
    "ID numbers and phones are always masked.",
)
@paginate(Pagination)
def volunteer_list(request, filters: Query[VolunteerFilter]):
    volunteers = volunteer_list_for(request.user).prefetch_related("skills")
    if filters.region:
        volunteers = volunteers.filter(residence_region__path__startswith=region_path(filters.region))
    if filters.organization:
        volunteers = volunteers.filter(
            pk__in=Membership.objects.filter(organization_id=filters.organization, status__in=OPEN).values(
                "volunteer_id"
            )
        )
    if filters.q:
        q = filters.q.strip()
        volunteers = volunteers.filter(Q(real_name__icontains=q) | Q(volunteer_number__startswith=q))
    if filters.status:
        volunteers = volunteers.filter(status=filters.status)
    return volunteers


@router.get(
    "/volunteers/{int:volunteer_id}",
    response={200: VolunteerOut, **ERRORS},
    summary="One volunteer",
    description="Outside your scope: 404. The ID number and the phone are masked.",
)
def volunteer_detail(request, volunteer_id: int):
    return volunteer_get_for(request.user, volunteer_id)
