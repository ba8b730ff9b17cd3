import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from huiguang.core import crypto
from huiguang.core.models import AuditEntry
from huiguang.ledger.models import Certificate
from huiguang.ledger.services import certificates as services
from huiguang.notifications.models import Notification

from .conftest import add_record

# The console command installed beside this Python (CI does not put .venv/bin on PATH).
HUIGUANG = os.path.join(os.path.dirname(sys.executable), "huiguang")


def _text(pdf_bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf_bytes)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _issue(city, volunteer, **kw):
    actor = city.users[kw.pop("actor", "org_admin")]
    cert = services.certificate_request(
        volunteer=volunteer,
        issuer=kw.pop("issuer", city.org_a),
        all_organizations=kw.pop("all_organizations", False),
        purpose="升学",
        **kw,
    )
    return services.certificate_issue(actor=actor, certificate=cert, handler="赵经办")


def test_request_counts_confirmed_hours_of_the_issuer_only(city, records):
    cert = services.certificate_request(
        volunteer=records, issuer=city.org_a, all_organizations=False, purpose="升学"
    )
    assert cert.status == Certificate.Status.REQUESTED
    assert cert.total_minutes == 390  # 180 + 150 + 60; the pending 240 and org B's 120 are not counted
    assert cert.credit_minutes == 330
    assert "敬老助餐（2次，4.0小时）" in cert.summary
    assert "垃圾分类宣传（1次，2.5小时）" in cert.summary


def test_all_organizations_and_a_period(city, records):
    cert = services.certificate_request(
        volunteer=records,
        issuer=city.org_a,
        all_organizations=True,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 5, 31),
    )
    assert cert.total_minutes == 150 + 60 + 120
    assert cert.credit_minutes == 270


def test_reversal_rows_reduce_the_certified_hours(city, records):
    add_record(records, city.org_a, day=dt.date(2026, 3, 1), minutes=-180, name="敬老助餐", kind="reversal")
    add_record(records, city.org_a, day=dt.date(2026, 3, 1), minutes=120, name="敬老助餐", kind="correction")
    cert = services.certificate_request(volunteer=records, issuer=city.org_a, all_organizations=False)
    assert cert.total_minutes == 330


def test_request_refused_without_hours_or_with_a_stranger_issuer(city, records, as_role):
    from huiguang.core.errors import FieldErrors

    with pytest.raises(FieldErrors) as exc:
        services.certificate_request(volunteer=records, issuer=city.org_a1, all_organizations=False)
    assert "issuer" in exc.value.errors
    with pytest.raises(FieldErrors):
        services.certificate_request(
            volunteer=records,
            issuer=city.org_a,
            all_organizations=False,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 2, 1),
        )
    response = as_role("volunteer").post(
        reverse("ledger:my_certificates"),
        {"issuer": city.org_a.pk, "period_start": "2026-06-01", "period_end": "2026-01-01"},
    )
    assert response.status_code == 422
    assert "结束日期早于开始日期" in response.content.decode()
    assert Certificate.objects.count() == 0


def test_pdf_contains_every_required_field_in_chinese_and_no_full_id(city, records, tmp_path):
    cert = _issue(city, records)
    assert cert.number == f"TA-{cert.issued_at.year}-00001"
    text = _text(__import__("huiguang.ledger.pdf", fromlist=["x"]).certificate_pdf(cert), tmp_path)
    full_id = records.decrypt_id_number()
    for expected in [
        "志愿服务记录证明",
        "张小明",
        "居民身份证",
        records.id_masked,
        records.volunteer_number,
        "6.5",
        "5.5",
        "信用时数",
        "敬老助餐",
        "服务内容",
        "当湖街道志愿服务队",
        "负责人",
        "王老师",
        "经办人",
        "赵经办",
        "联系方式",
        "13800000000",
        "证明编号",
        cert.number,
        "出具日期",
        timezone.localtime(cert.issued_at).strftime("%Y-%m-%d"),
        "2026-03-01",
        "2026-04-06",
    ]:
        assert expected in text, expected
    assert full_id not in text
    assert full_id[6:14] not in text.replace(records.id_masked, "")


def test_pdf_shows_seal_and_qr_images(city, records, tmp_path):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (120, 120), (200, 0, 0, 180)).save(buf, "PNG")
    city.org_a.seal.save("seal.png", ContentFile(buf.getvalue()), save=True)
    cert = _issue(city, records)
    from huiguang.ledger.pdf import certificate_pdf

    path = tmp_path / "c.pdf"
    path.write_bytes(certificate_pdf(cert))
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout
    images = [line for line in listing.splitlines()[2:] if line.strip() and " smask " not in line]
    assert len(images) == 2  # the QR code and the seal
    city.org_a.seal.delete(save=True)


def test_payload_verifies_offline_and_a_flipped_byte_fails(city, records, capsys):
    cert = _issue(city, records)
    fields = json.loads(crypto.verify_token(cert.payload))
    assert fields["no"] == cert.number and fields["id"] == records.id_masked and fields["h"] == "6.5"
    assert records.decrypt_id_number() not in cert.payload
    call_command("verify_certificate", cert.payload, "--public-key", crypto.public_key_b64())
    out = capsys.readouterr().out
    assert "VALID" in out and cert.number in out and "张小明" in out

    from huiguang.ledger.pdf import qr_url

    call_command("verify_certificate", qr_url(cert), "--public-key", crypto.public_key_b64())
    assert "VALID" in capsys.readouterr().out  # the QR code's text itself (the verification URL)

    body, sig = cert.payload.split(".")
    for tampered in (
        body[:10] + ("A" if body[10] != "A" else "B") + body[11:] + "." + sig,
        body + "." + sig[:5] + ("A" if sig[5] != "A" else "B") + sig[6:],
    ):
        result = subprocess.run(
            [HUIGUANG, "verify_certificate", tampered, "--public-key", crypto.public_key_b64()],
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert "INVALID" in result.stderr


def test_a_flipped_byte_of_the_decoded_payload_fails():
    token = crypto.sign_token(b'{"no":"TA-2026-00001"}')
    body, sig = token.split(".")
    raw = bytearray(crypto._unb64(body))
    raw[3] ^= 0x01
    with pytest.raises(crypto.SignatureError):
        services.decode_payload(f"{crypto._b64(bytes(raw))}.{sig}")


def test_command_rejects_another_key(city, records):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    cert = _issue(city, records)
    other = crypto._b64(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("verify_certificate", cert.payload, "--public-key", other)


def test_verify_page_valid_revoked_unknown(city, records, client, as_role, tmp_path):
    cert = _issue(city, records)
    page = client.get(reverse("ledger:verify", args=[cert.number]))
    html = page.content.decode()
    assert page.status_code == 200 and "有效" in html and "张*明" in html and "张小明" not in html
    assert "6.5" in html and "当湖街道志愿服务队" in html

    services.certificate_revoke(actor=city.users["org_admin"], certificate=cert, reason="信息有误")
    cert.refresh_from_db()
    html = client.get(reverse("ledger:verify", args=[cert.number])).content.decode()
    assert "已撤销" in html and timezone.localtime(cert.revoked_at).strftime("%Y-%m-%d") in html

    pdf = as_role("volunteer").get(reverse("ledger:certificate_pdf", args=[cert.pk]))
    assert "撤销" in _text(pdf.content, tmp_path)

    unknown = client.get(reverse("ledger:verify", args=["TA-2026-99999"]))
    assert unknown.status_code == 404 and "未知" in unknown.content.decode()


def test_verify_form_and_number_lookup(city, records, client):
    cert = _issue(city, records)
    assert client.get(reverse("ledger:verify_lookup")).status_code == 200
    response = client.get(reverse("ledger:verify_lookup"), {"number": cert.number})
    assert response.status_code == 302 and response["Location"] == reverse(
        "ledger:verify", args=[cert.number]
    )


def test_verify_page_by_scanned_payload(city, records, client):
    cert = _issue(city, records)
    page = client.get(reverse("ledger:verify_lookup"), {"payload": cert.payload})
    assert (
        page.status_code == 200 and cert.number in page.content.decode() and "有效" in page.content.decode()
    )
    from urllib.parse import urlsplit

    from huiguang.ledger.pdf import qr_url

    url = urlsplit(qr_url(cert))
    scanned = client.get(f"{url.path}?{url.query}")  # what a phone camera opens
    assert scanned.status_code == 200 and "张*明" in scanned.content.decode()
    body, sig = cert.payload.split(".")
    bad = client.get(reverse("ledger:verify_lookup"), {"payload": body + "x." + sig})
    assert bad.status_code == 400 and "签名" in bad.content.decode()


def test_numbers_are_sequential_per_issuer_and_year(city, records):
    numbers = [_issue(city, records).number for _ in range(3)]
    year = numbers[0].split("-")[1]
    assert numbers == [f"TA-{year}-00001", f"TA-{year}-00002", f"TA-{year}-00003"]
    other = _issue(city, records, issuer=city.org_b, actor="outsider")
    assert other.number == f"TB-{year}-00001"


def test_issue_twice_is_refused_and_consumes_no_number(city, records):
    from huiguang.core.errors import Refused

    cert = _issue(city, records)
    with pytest.raises(Refused):
        services.certificate_issue(actor=city.users["org_admin"], certificate=cert)
    assert _issue(city, records).number.endswith("-00002")


def test_volunteer_is_notified_of_issue_refusal_and_revocation(city, records):
    cert = _issue(city, records)
    services.certificate_revoke(actor=city.users["org_admin"], certificate=cert, reason="信息有误")
    other = services.certificate_request(volunteer=records, issuer=city.org_a, all_organizations=False)
    services.certificate_refuse(actor=city.users["town_admin"], certificate=other, reason="材料不全")
    kinds = list(Notification.objects.filter(user=records.user).values_list("kind", flat=True))
    assert sorted(kinds) == ["certificate_issued", "certificate_refused", "certificate_revoked"]
    other.refresh_from_db()
    assert other.status == "refused" and other.status_reason == "材料不全"


def test_refuse_and_revoke_need_a_reason(city, records, as_role):
    cert = services.certificate_request(volunteer=records, issuer=city.org_a, all_organizations=False)
    response = as_role("org_admin").post(reverse("ledger:certificate_refuse", args=[cert.pk]), {"reason": ""})
    assert response.status_code == 422
    cert.refresh_from_db()
    assert cert.status == "requested"


def test_volunteer_requests_and_admin_issues_through_the_pages(city, records, as_role):
    volunteer = as_role("volunteer")
    page = volunteer.get(reverse("ledger:my_certificates"))
    assert page.status_code == 200 and "申请" in page.content.decode()
    response = volunteer.post(
        reverse("ledger:my_certificates"),
        {"issuer": city.org_a.pk, "purpose": "求职", "period_start": "", "period_end": ""},
    )
    assert response.status_code == 302
    cert = Certificate.objects.get()
    admin = as_role("org_admin")
    queue = admin.get(reverse("ledger:certificate_queue"))
    assert "张小明" in queue.content.decode()
    detail = admin.get(reverse("ledger:certificate_detail", args=[cert.pk])).content.decode()
    assert "王老师" in detail and "13800000000" in detail  # defaults from the organization
    response = admin.post(
        reverse("ledger:certificate_issue", args=[cert.pk]),
        {"responsible_person": "王老师", "handler": "队伍管理员", "contact": "0573-85000000"},
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.status == "issued" and cert.contact == "0573-85000000" and cert.number.startswith("TA-")
    mine = volunteer.get(reverse("ledger:my_certificates")).content.decode()
    assert cert.number in mine and "6.5" in mine
    pdf = volunteer.get(reverse("ledger:certificate_pdf", args=[cert.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "role,queue,detail,pdf",
    [
        ("city_admin", 200, 200, 200),
        ("town_admin", 200, 200, 200),
        ("org_admin", 200, 200, 200),
        ("volunteer", 404, 404, 200),
        ("volunteer_b", 404, 404, 404),
        ("leader", 404, 404, 404),
        ("auditor", 404, 404, 404),
        ("outsider", 200, 404, 404),
        ("anonymous", 302, 302, 302),
    ],
)
def test_permissions(city, records, as_role, role, queue, detail, pdf):
    cert = _issue(city, records)
    client = as_role(role)
    assert client.get(reverse("ledger:certificate_queue")).status_code == queue
    assert client.get(reverse("ledger:certificate_detail", args=[cert.pk])).status_code == detail
    assert client.get(reverse("ledger:certificate_pdf", args=[cert.pk])).status_code == pdf
    if detail != 200:
        client.post(reverse("ledger:certificate_revoke", args=[cert.pk]), {"reason": "x"})
        cert.refresh_from_db()
        assert cert.status == "issued"


def test_outsider_cannot_issue_or_revoke(city, records):
    from django.http import Http404

    cert = services.certificate_request(volunteer=records, issuer=city.org_a, all_organizations=False)
    with pytest.raises(Http404):
        services.certificate_issue(actor=city.users["outsider"], certificate=cert)
    with pytest.raises(Http404):
        services.certificate_refuse(actor=city.users["leader"], certificate=cert, reason="x")


def test_official_print_with_full_id_only_for_city_admin_and_audited(city, records, as_role, tmp_path):
    cert = _issue(city, records)
    full = records.decrypt_id_number()
    assert (
        as_role("org_admin")
        .get(reverse("ledger:certificate_pdf", args=[cert.pk]) + "?official=1")
        .status_code
        == 404
    )
    response = as_role("city_admin").get(reverse("ledger:certificate_pdf", args=[cert.pk]) + "?official=1")
    assert full in _text(response.content, tmp_path)
    default = as_role("city_admin").get(reverse("ledger:certificate_pdf", args=[cert.pk]))
    assert full not in _text(default.content, tmp_path)
    outcomes = sorted(
        AuditEntry.objects.filter(action="certificate_official_print").values_list("outcome", flat=True)
    )
    assert outcomes == ["denied", "ok"]


def _request_certificates(city, volunteer, n: int) -> None:
    for _ in range(n):
        services.certificate_request(volunteer=volunteer, issuer=city.org_a, all_organizations=False)


def test_the_queue_query_count_does_not_grow(city, records, as_role, assert_queries_constant):
    _request_certificates(city, records, 1)
    admin = as_role("org_admin")
    url = reverse("ledger:certificate_queue")
    assert (
        assert_queries_constant(lambda: admin.get(url), lambda: _request_certificates(city, records, 10))
        <= 40
    )
    assert admin.get(url).content.decode().count("张小明") == 11


def test_my_certificates_query_count_does_not_grow(city, records, as_role, assert_queries_constant):
    _request_certificates(city, records, 1)
    volunteer = as_role("volunteer")
    url = reverse("ledger:my_certificates")
    assert (
        assert_queries_constant(lambda: volunteer.get(url), lambda: _request_certificates(city, records, 10))
        <= 40
    )
    assert volunteer.get(url).content.decode().count("<tr>") == 1 + 11  # the header and a row each


def test_api_request_list_and_pdf(city, records, as_role):
    client = as_role("volunteer")
    response = client.post(
        "/api/v1/certificates",
        {"issuer": city.org_a.pk, "all_organizations": True, "purpose": "升学"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["hours"] == 8.5 and body["status"] == "requested"
    bad = client.post("/api/v1/certificates", {"issuer": 999999}, content_type="application/json")
    assert bad.status_code == 422 and "issuer" in bad.json()["errors"]
    cert = Certificate.objects.get()
    services.certificate_issue(actor=city.users["org_admin"], certificate=cert)
    listing = client.get("/api/v1/me/certificates").json()
    assert listing["count"] == 1 and listing["items"][0]["number"] == cert.number
    assert listing["items"][0]["verify_url"].endswith(f"/verify/{cert.number}/")
    pdf = client.get(f"/api/v1/certificates/{cert.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert as_role("volunteer_b").get(f"/api/v1/certificates/{cert.pk}/pdf").status_code == 404


def test_fifteen_minutes_are_0_3_hours_on_the_certificate(city, records, as_role):
    """The certificate writes hours like every page (half up from the minutes): 15 min is 0.3 h."""
    volunteer = city.users["volunteer_b"].volunteer
    add_record(volunteer, city.org_b, day=dt.date(2026, 5, 3), minutes=15)
    cert = services.certificate_request(volunteer=volunteer, issuer=city.org_b, all_organizations=False)
    services.certificate_issue(actor=city.users["city_admin"], certificate=cert)
    cert.refresh_from_db()
    assert services.payload_fields(cert)["h"] == "0.3"
    assert "0.3" in as_role("volunteer_b").get(reverse("ledger:my_certificates")).content.decode()
