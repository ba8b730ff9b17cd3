"""The certificate PDF as a reader sees it: the text poppler extracts (every field, the "·" of a
name or an activity, the hours), the font it embeds, the picture it renders, the public address in
its verify link and its QR code."""

import datetime as dt
import os
import subprocess

import pytest
import segno
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageChops

from huiguang.ledger import pdf
from huiguang.ledger.services import certificates as services

from .conftest import add_record

SITE = "https://zyz.pinghu.example"


def _write(pdf_bytes: bytes, tmp_path, name: str = "c.pdf"):
    path = tmp_path / name
    path.write_bytes(pdf_bytes)
    return path


def _run(*args) -> str:
    return subprocess.run(list(map(str, args)), capture_output=True, check=True, text=True).stdout


def _text(path) -> str:
    """pdftotext's text in reading order, without the spaces and line breaks it adds (a table cell
    wraps: "金平湖·志愿服" / "务日")."""
    return "".join(_run("pdftotext", "-raw", path, "-").split())


def _squashed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def dotted(city, records):
    """The volunteer renamed 买买提·艾力 with a 金平湖·志愿服务日 record: "·" in the name and the content."""
    records.real_name = "买买提·艾力"
    records.save(update_fields=["real_name"])
    add_record(records, city.org_a, day=dt.date(2026, 4, 12), minutes=15, name="金平湖·志愿服务日")
    cert = services.certificate_request(
        volunteer=records, issuer=city.org_a, all_organizations=False, purpose="升学"
    )
    return services.certificate_issue(
        actor=city.users["org_admin"],
        certificate=cert,
        responsible_person="王老师",
        handler="赵经办 <值班> & 李",
        contact="0573-85012345",
    )


def _every_field(cert) -> list[str]:
    v = cert.volunteer
    return [
        "志愿服务记录证明",
        "买买提·艾力",
        v.get_id_type_display(),
        v.id_masked,
        v.volunteer_number,
        "2026-03-01",
        "2026-04-12",
        "6.8小时",  # 180 + 150 + 60 + 15 minutes = 405 minutes = 6.75 h, half up
        "5.8小时",  # credit: 180 + 150 + 15 = 345 minutes = 5.75 h
        "金平湖·志愿服务日（1次，0.3小时）",
        "敬老助餐（2次，4.0小时）",
        "升学",
        "当湖街道志愿服务队",
        "王老师",
        "赵经办<值班>&李",
        "0573-85012345",
        cert.number,
        timezone.localtime(cert.issued_at).strftime("%Y-%m-%d"),
        f"{SITE}/verify/{cert.number}/",
    ]


def test_every_field_and_the_middle_dot_round_trip_through_pdftotext_with_an_embedded_font(
    dotted, settings, tmp_path
):
    if not any(os.path.isfile(path) for path in pdf.TRUETYPE_FONTS):
        pytest.skip("no CJK TrueType font here (Debian: fonts-wqy-microhei)")
    settings.HUIGUANG_SITE_URL = SITE
    path = _write(pdf.certificate_pdf(dotted), tmp_path)

    text = _text(path)
    for expected in _every_field(dotted):
        assert _squashed(expected) in text, expected
    assert "・" not in text  # the real middle dot, not the fallback's

    fonts = _run("pdffonts", path).splitlines()[2:]
    assert fonts, "no font in the PDF"
    for line in fonts:  # every font used is embedded: "emb" is the first yes/no column
        assert "WenQuanYi" in line or "HuiguangCJK" in line, line
        assert line.split()[-5] == "yes", line


def test_the_page_renders_to_an_image_with_ink_in_the_text_and_the_qr_code(dotted, settings, tmp_path):
    settings.HUIGUANG_SITE_URL = SITE
    path = _write(pdf.certificate_pdf(dotted), tmp_path)
    _run("pdftoppm", "-r", "60", "-png", "-singlefile", path, tmp_path / "page")
    with Image.open(tmp_path / "page.png") as image:
        assert abs(image.size[0] - 496) <= 1 and abs(image.size[1] - 702) <= 1  # A4 at 60 dpi
        gray = image.convert("L")
        dark = sum(gray.histogram()[:128])
    assert dark > 5000  # the title, the table and the QR code are drawn, not an empty page


def test_verify_link_and_qr_code_carry_the_public_address(dotted, settings, tmp_path, as_role):
    settings.HUIGUANG_SITE_URL = SITE + "/"
    assert pdf.verify_url(dotted) == f"{SITE}/verify/{dotted.number}/"
    assert pdf.qr_url(dotted) == f"{SITE}/verify/?payload={dotted.payload}"
    path = _write(pdf.certificate_pdf(dotted), tmp_path)

    # The QR code in the PDF is the one of the public verification URL, pixel for pixel.
    _run("pdfimages", "-png", path, tmp_path / "img")
    expected_path = tmp_path / "expected.png"
    segno.make(pdf.qr_url(dotted), error="m").save(expected_path, kind="png", scale=4, border=2)
    with Image.open(expected_path) as expected:
        expected_l = expected.convert("L")
        found = []
        for name in sorted(p for p in os.listdir(tmp_path) if p.startswith("img")):
            with Image.open(tmp_path / name) as image:
                candidate = image.convert("L")
                found.append(
                    candidate.size == expected_l.size
                    and ImageChops.difference(candidate, expected_l).getbbox() is None
                )
    assert any(found)

    listing = as_role("volunteer").get("/api/v1/me/certificates").json()
    assert listing["items"][0]["verify_url"] == f"{SITE}/verify/{dotted.number}/"


def test_without_a_truetype_font_the_certificate_falls_back_to_stsong_light(dotted, monkeypatch, tmp_path):
    """STSong-Light has no "·" (U+00B7): the PDF writes "・" (U+30FB, which it has), and a reader
    maps that glyph back to "·", so the text still round-trips."""
    monkeypatch.setattr(pdf, "TRUETYPE_FONTS", ("/nonexistent/font.ttc",))
    path = _write(pdf.certificate_pdf(dotted), tmp_path)
    text = _text(path)
    for expected in _every_field(dotted)[:-1]:  # the URL is on the default site here
        assert _squashed(expected) in text, expected
    fonts = _run("pdffonts", path)
    assert "STSong-Light" in fonts and "WenQuanYi" not in fonts and "Helvetica" not in fonts


def test_font_text_only_rewrites_for_the_fallback_font():
    assert pdf.font_text("买买提·艾力", pdf.FALLBACK_FONT) == "买买提・艾力"
    assert pdf.font_text("买买提·艾力", "HuiguangCJK-wqy-microhei") == "买买提·艾力"


def test_the_pdf_page_serves_the_same_certificate(dotted, as_role, tmp_path):
    response = as_role("volunteer").get(reverse("ledger:certificate_pdf", args=[dotted.pk]))
    assert response.status_code == 200
    text = _text(_write(response.content, tmp_path))
    assert "买买提" in text and dotted.number in text
