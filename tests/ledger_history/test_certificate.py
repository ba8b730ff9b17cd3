"""A certificate counts imported hours and says which ones were imported, and from where."""

from __future__ import annotations

import io
import subprocess

from django.core.management import call_command

from huiguang.ledger import pdf
from huiguang.ledger.services import certificates as services
from huiguang.volunteers.models import Volunteer

from .conftest import write_kind


def test_the_certificate_shows_the_imported_hours_and_their_source(city, tmp_path):
    volunteer = Volunteer.objects.get(user=city.users["volunteer"])
    write_kind(
        tmp_path,
        "records",
        [
            {
                "volunteer_number": volunteer.volunteer_number,
                "organization": "TA",
                "date": "2021-03-05",
                "hours": "3",
                "activity_name": "学雷锋日",
            },
            {
                "volunteer_number": volunteer.volunteer_number,
                "organization": "TA",
                "date": "2022-03-05",
                "hours": "2.5",
                "activity_name": "学雷锋日",
            },
        ],
    )
    call_command(
        "import_history",
        str(tmp_path),
        "--confirm",
        "--source",
        "志愿汇",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    cert = services.certificate_request(
        volunteer=volunteer, issuer=city.org_a, all_organizations=False, purpose="升学"
    )
    cert = services.certificate_issue(
        actor=city.users["org_admin"],
        certificate=cert,
        responsible_person="王老师",
        handler="赵",
        contact="0573-85012345",
    )
    assert cert.total_minutes == 330 and cert.credit_minutes == 0
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf.certificate_pdf(cert))
    text = "".join(
        subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout.split()
    )
    assert "导入时长" in text
    assert "5.5小时从志愿汇导入" in text or "从志愿汇导入5.5小时" in text
