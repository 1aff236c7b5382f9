"""The rules of a message that need no database: codes, text, personal-data removal, each step's checks."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from citizen_app.core.attachments import AttachmentRejected
from citizen_app.core.feedback import rules
from citizen_app.core.feedback.photos import prepare_photo
from citizen_app.core.feedback.sending import step_errors
from citizen_app.settings import load_settings
from tests.unit.feedback.helpers import SCRIPT, UNITS, answers


def test_tracking_codes_are_random_and_typed_back_forgivingly() -> None:
    codes = {rules.new_code() for _ in range(200)}
    assert len(codes) == 200
    code = codes.pop()
    assert rules.normalize_code(code) == code
    assert rules.normalize_code(code.lower().replace("-", " ")) == code
    assert rules.normalize_code("pa-0o1i-l234") == "PA-0011-1234"
    assert rules.normalize_code("PA-1234") is None
    assert rules.normalize_code("000.00.20.H01-261116-0001") is None


def test_text_keeps_what_was_typed_but_no_control_or_direction_characters() -> None:
    assert rules.clean_text(SCRIPT) == SCRIPT
    assert rules.clean_text("a\x00b\u202ec\r\nd\n\n\n\ne  ") == "abc\nd\n\ne"
    assert rules.clean_text("  many   spaces\nhere ", single_line=True) == "many spaces here"


def test_personal_data_is_removed_whatever_the_accents_or_separators() -> None:
    text = (
        "Tôi là nguyen thi hoa, gọi 0912.345.678 hoặc +84 912 345 678, email hoa@example.vn, "
        "CCCD 001186012301, hồ sơ 004.00.20.H01-261116-0001. Chị Thị Hoa cảm ơn."
    )
    redacted = rules.redact(text, ("Nguyễn Thị Hoa",))
    for secret in ("nguyen thi hoa", "0912", "912 345", "hoa@", "001186012301", "H01-261116", "Thị Hoa"):
        assert secret not in redacted
    assert redacted.startswith("Tôi là *** , gọi ***".replace(" ,", ","))
    assert "cảm ơn" in redacted


def test_each_step_says_what_is_missing() -> None:
    assert set(step_errors("about", {}, units=UNITS)) == {"subject_type"}
    assert set(step_errors("subject", answers(province_code="99"), units=UNITS)) == {"province_code"}
    assert set(step_errors("subject", answers(commune_code="26734"), units=UNITS)) == {"commune_code"}
    # A commune-level procedure needs the commune; a province-level one does not.
    commune_level = answers(subject_type="procedure", procedure_code="1.000656", commune_code="")
    assert set(step_errors("subject", commune_level, units=UNITS)) == {"commune_code"}
    province_level = answers(subject_type="procedure", procedure_code="1.001456", commune_code="")
    assert step_errors("subject", province_level, units=UNITS) == {}
    dossier = answers(subject_type="dossier", dossier_code="nonsense", pid_last4="12a4")
    assert set(step_errors("subject", dossier, units=UNITS)) == {"dossier_code", "pid_last4"}
    short = answers(title="Hi", content="too short", topic="nope")
    assert set(step_errors("details", short, units=UNITS)) == {"topic", "title", "content"}
    spam = answers(content="see http://a.example http://b.example www.c.example https://d.example now")
    assert step_errors("details", spam, units=UNITS)["content"].params == {"count": rules.MAX_LINKS}
    assert set(step_errors("details", answers(content="x" * 5001), units=UNITS)) == {"content"}
    no_contact = answers(sender_phone="", sender_email="", may_publish="")
    assert set(step_errors("contact", no_contact, units=UNITS)) == {"sender_phone", "may_publish"}
    wrong = answers(sender_phone="12345", sender_email="not-an-email")
    assert set(step_errors("contact", wrong, units=UNITS)) == {"sender_phone", "sender_email"}
    for step in ("about", "subject", "details", "contact"):
        assert step_errors(step, answers(), units=UNITS) == {}


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (3000, 1500), "teal")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (21.0, 2.0, 3.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_loses_its_metadata_and_is_made_smaller() -> None:
    original = _photo_with_gps()
    assert b"PhoneMaker" in original
    photo = prepare_photo("IMG_0001.JPG", original, "image/jpeg", settings=load_settings({}))
    assert b"PhoneMaker" not in photo.data
    with Image.open(io.BytesIO(photo.data)) as image:
        assert max(image.size) == 2048
        assert not image.getexif()
    assert photo.name == "IMG_0001.jpg" and photo.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.jpg", b"%PDF-1.4 not a photo"),
        ("photo.jpg", b"<script>alert(1)</script>"),
        ("scan.pdf", b"%PDF-1.4\n%%EOF\n"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"broken"),
        ("photo.jpg", b""),
    ],
)
def test_what_is_not_a_photo_is_refused_by_its_content(name: str, data: bytes) -> None:
    with pytest.raises(AttachmentRejected):
        prepare_photo(name, data, None, settings=load_settings({}))


def test_a_photo_over_the_limit_is_refused() -> None:
    settings = load_settings({"FEEDBACK_MAX_PHOTO_MB": "1"})
    with pytest.raises(AttachmentRejected) as refused:
        prepare_photo("big.jpg", b"\xff\xd8\xff" + b"0" * (1024 * 1024), "image/jpeg", settings=settings)
    assert refused.value.message.params["limit"] == 1
