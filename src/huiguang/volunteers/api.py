"""API v1, volunteers: registration, the caller's own profile (/me) and the scoped volunteer lists.

No answer ever carries a full ID number: profiles show `Volunteer.id_masked` and a masked phone
(the owner and city administrators see the full number on the web, through an audited action).
"""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, FieldErrorsOut, Pagination
from huiguang.network.api import region_path
from huiguang.network.models import Grant

from .schemas import MeOut, RegistrationIn, VolunteerFilter, VolunteerOut
from .selectors import membership_list_of, volunteer_get_for, volunteer_own_for_api, volunteer_search_for
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
    volunteer = volunteer_own_for_api(user)
    return {
        "user": user,
        "roles": Grant.objects.filter(user=user).select_related("region", "organization"),
        "volunteer": volunteer,
        "memberships": membership_list_of(volunteer) if volunteer else [],
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
    return volunteer_search_for(
        request.user,
        q=filters.q,
        region_path=region_path(filters.region) if filters.region else None,
        status=filters.status,
        organization_id=filters.organization,
    ).prefetch_related("skills")


@router.get(
    "/volunteers/{int:volunteer_id}",
    response={200: VolunteerOut, **ERRORS},
    summary="One volunteer",
    description="Outside your scope: 404. The ID number and the phone are masked.",
)
def volunteer_detail(request, volunteer_id: int):
    return volunteer_get_for(request.user, volunteer_id)
