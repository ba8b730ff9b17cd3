"""API v1, certificates: the caller's own certificates, a request, the PDF."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from huiguang.core.api import ERRORS, Pagination
from huiguang.core.errors import FieldErrors
from huiguang.core.formatting import hours_from_minutes
from huiguang.network.models import Organization

from .. import pdf
from ..models import Certificate
from ..selectors.certificates import certificate_get_for_download, certificates_for_volunteer
from ..services import certificates as services

router = Router(tags=["ledger"])


class CertificateOut(Schema):
    id: int
    number: str | None
    status: str
    issuer_id: int
    issuer_name: str = Field(..., alias="issuer.name")
    all_organizations: bool
    period_start: dt.date | None
    period_end: dt.date | None
    purpose: str
    hours: float
    credit_hours: float
    summary: str
    status_reason: str
    requested_at: dt.datetime
    issued_at: dt.datetime | None
    revoked_at: dt.datetime | None
    verify_url: str | None

    @staticmethod
    def resolve_hours(obj) -> float:
        return float(hours_from_minutes(obj.total_minutes))

    @staticmethod
    def resolve_credit_hours(obj) -> float:
        return float(hours_from_minutes(obj.credit_minutes))

    @staticmethod
    def resolve_verify_url(obj) -> str | None:
        return pdf.verify_url(obj) if obj.number else None


class CertificateIn(Schema):
    issuer: int = Field(
        ..., description="The issuing organization's id (one you served, or a city-level one)."
    )
    all_organizations: bool = Field(False, description="Certify the hours of every organization.")
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    purpose: str = Field("", max_length=200)


def _volunteer(request):
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        raise Http404
    return volunteer


@router.get(
    "/me/certificates",
    response={200: list[CertificateOut], **ERRORS},
    summary="My certificates",
    description="Your certificate requests and certificates, newest first.",
)
@paginate(Pagination)
def my_certificates(request):
    return certificates_for_volunteer(_volunteer(request))


@router.post(
    "/certificates",
    response={201: CertificateOut, **ERRORS},
    summary="Request a certificate",
    description="A volunteer service record certificate of your CONFIRMED hours: those with the issuer, "
    "or with every organization (`all_organizations`), in an optional period. The issuer's "
    "administrators issue or refuse it; you are notified. 422 when nothing can be certified.",
)
def certificate_request(request, payload: CertificateIn):
    volunteer = _volunteer(request)
    issuer = Organization.objects.filter(pk=payload.issuer).first()
    if issuer is None:
        raise FieldErrors(
            {"issuer": [_("Choose an organization you served with or the city's volunteer association.")]}
        )
    data = payload.dict()
    data.pop("issuer")
    cert = services.certificate_request(volunteer=volunteer, issuer=issuer, request=request, **data)
    return Status(201, Certificate.objects.select_related("issuer").get(pk=cert.pk))


@router.get(
    "/certificates/{certificate_id}/pdf",
    response={200: None, **ERRORS},
    summary="A certificate's PDF",
    description="The PDF of an issued (or revoked) certificate, for its volunteer and the issuer's "
    "administrators; 404 for anyone else. The ID number is masked.",
)
def certificate_pdf(request, certificate_id: int):
    cert = certificate_get_for_download(request.user, certificate_id)
    if not cert.number:
        raise Http404
    response = HttpResponse(pdf.certificate_pdf(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.number}.pdf"'
    return response
