"""The receipt slip, the public verification page and the file routes over HTTP (owner, staff, others)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pyzbar import pyzbar
from sqlalchemy import Engine, func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core import attachments, receipts
from citizen_app.core.dossiers import Actor
from citizen_app.core.i18n import get_translator
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier
from citizen_app.ui import receipt_view as receipt_routes
from citizen_app.web import files
from citizen_app.web import receipts as routes
from tests.unit.dossiers.forms_fixtures import complete_answers
from tests.unit.dossiers.helpers import draft_with_file, submit
from tests.unit.test_apply_state import sign_in

VI, EN = get_translator("vi"), get_translator("en")


def client(raw: str | None = None, **headers: str) -> TestClient:
    app = Starlette(routes=[*files.routes, *routes.routes])
    test_client = TestClient(app, follow_redirects=False, headers=headers)
    if raw:
        test_client.cookies.set("citizen_session", raw)
    return test_client


def sent_by(username: str) -> tuple[str, int, str]:
    """A dossier submitted by this demo citizen: (code, attachment id, raw session cookie)."""
    user_id, raw = sign_in(username)
    with unit_of_work() as db:
        citizen = Actor.citizen(user_id)
        # Received by Phường Ba Đình (00004), where the demo counter officer mai.ngo works.
        address = {"province_code": "01", "commune_code": "00004", "street": "12 Đội Cấn"}
        draft_id = draft_with_file(db, citizen, answers={**complete_answers(), "new_address": address})
        result = submit(db, draft_id, citizen)
        code = result.dossier.code
        attachment_id = attachments.list_attachments(db, draft_id, citizen)[0].id
    assert code is not None
    return code, attachment_id, raw


def denials() -> int:
    with unit_of_work() as db:
        return db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.outcome == "denied")) or 0


def test_the_receipt_shows_every_slip_field_in_the_readers_language(engine: Engine) -> None:
    code, _attachment, raw = sent_by("an.nguyen")
    page = client(raw).get(f"/vi/receipts/{code}")
    assert page.status_code == 200
    html = page.text
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in html and f'data-testid="receipt-code">{code}<' in html
    for testid in ("receipt-unit", "receipt-applicant", "receipt-address", "receipt-phone", "receipt-procedure",
                   "receipt-documents", "receipt-processing-time", "receipt-received", "receipt-appointment",
                   "receipt-collect", "receipt-fee", "receipt-status"):
        assert f'data-testid="{testid}"' in html, testid
    assert 'src="data:image/png;base64,' in html and "@page { size: A4" in html
    assert page.headers["cache-control"] == "private, no-cache"
    english = client(raw).get(f"/en/receipts/{code}").text
    assert "Receipt of application and appointment for the result" in english and "VND\xa010,000" in english

    narrow = client(raw).get(f"/vi/receipts/{code}?format=80mm").text
    assert "receipt-80mm" in narrow and "size: 80mm auto" in narrow
    saved = client(raw).get(f"/vi/receipts/{code}?download=1")
    assert saved.headers["content-disposition"] == f'attachment; filename="giay-tiep-nhan-{code}.pdf"'
    assert saved.headers["content-type"] == "application/pdf" and saved.content.startswith(b"%PDF-")
    assert saved.headers["cache-control"] == "private, no-cache"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def qr_codes_of(data: bytes, tmp_path: Path) -> list[str]:
    """Every QR code on the PDF's pages, rendered by poppler as a printer would."""
    source = tmp_path / "slip.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(source), str(tmp_path / "page")], check=True)
    found: list[str] = []
    for page in sorted(tmp_path.glob("page*.png")):
        found += [code.data.decode() for code in pyzbar.decode(Image.open(page))]
    return found


def test_the_downloaded_receipt_is_a_pdf_a_with_the_slip_and_its_qr(engine: Engine, tmp_path: Path) -> None:
    code, _attachment, raw = sent_by("an.nguyen")
    saved = client(raw).get(f"/vi/receipts/{code}?download=1")
    text = pdf_text(saved.content)
    for expected in (code, "Nguyễn Văn An", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Giấy tờ chỗ ở hợp pháp (1 tệp điện tử)",
                     "Thời điểm nộp hồ sơ", "Cơ quan đã tiếp nhận Chưa tiếp nhận", "Lệ phí phải nộp 10.000 đ",
                     "Thời gian giải quyết theo quy"):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(saved.content))
    root = reader.trailer["/Root"]
    # PDF/A-2b: XMP metadata naming the part, an output intent, every font embedded.
    assert "/OutputIntents" in root and root["/Lang"] == "vi"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor, font
    if subprocess.run(["which", "pdftoppm"], capture_output=True).returncode != 0:
        pytest.fail("pdftoppm (poppler-utils) is needed to read the QR: `make system-deps`")
    (url,) = qr_codes_of(saved.content, tmp_path)
    assert receipts.verify_token(url.rsplit("/v/", 1)[1]) == code
    english = pdf_text(client(raw).get(f"/en/receipts/{code}?download=1").content)
    assert "RECEIPT OF APPLICATION AND APPOINTMENT FOR THE RESULT" in english and "VND 10,000" in english


def test_only_the_applicant_and_the_receiving_agency_see_the_receipt_and_files(engine: Engine) -> None:
    code, attachment_id, raw = sent_by("an.nguyen")
    own = client(raw)
    assert own.get(f"/files/{attachment_id}").headers["content-type"] == "image/jpeg"
    thumbnail = own.get(f"/files/{attachment_id}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in own.get(f"/files/{attachment_id}?download=1").headers["content-disposition"]

    before = denials()
    _, other = sign_in("binh.tran")
    for path in (f"/vi/receipts/{code}", f"/files/{attachment_id}", f"/files/{attachment_id}/thumbnail"):
        assert client(other).get(path).status_code == 404, path
    assert denials() == before + 3

    # A counter officer of the receiving agency (Phường Ba Đình, commune 00004) may read them.
    _, officer = sign_in("mai.ngo")
    assert client(officer).get(f"/vi/receipts/{code}").status_code == 200
    assert client(officer).get(f"/files/{attachment_id}/thumbnail").status_code == 200

    signed_out = client().get(f"/vi/receipts/{code}")
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/auth/login?next=/vi/receipts/")
    assert client().get(f"/files/{attachment_id}").status_code == 404
    navigating = client(**{"sec-fetch-mode": "navigate"}).get(f"/files/{attachment_id}")
    assert navigating.status_code == 303
    assert client(raw).get("/vi/receipts/000.00.00.H01-260101-0001").status_code == 404
    assert client(raw).get(f"/fr/receipts/{code}").status_code == 404


def test_the_qr_link_says_genuine_without_personal_data_and_a_tampered_one_is_not(engine: Engine) -> None:
    code, _attachment, _raw = sent_by("an.nguyen")
    token = receipts.sign_code(code)
    genuine = client(**{"accept-language": "en-GB,en;q=0.9"}).get(f"/v/{token}")
    assert genuine.status_code == 200 and "This receipt is genuine" in genuine.text
    assert 'data-genuine="true"' in genuine.text and code in genuine.text and "Submitted" in genuine.text
    for private in ("Nguyễn Văn An", "001085004217", "0912345678", "Đội Cấn"):
        assert private not in genuine.text
    assert genuine.headers["cache-control"] == "no-store"
    vietnamese = client().get(f"/v/{token}")  # no preference: Vietnamese
    assert "Giấy tiếp nhận hồ sơ này hợp lệ" in vietnamese.text
    assert "This receipt is genuine" in client().get(f"/v/{token}?lang=en").text

    encoded, tag = token.split(".")
    tampered = f"{encoded}.{tag[:-2]}{'AA' if not tag.endswith('AA') else 'BB'}"
    refused = client().get(f"/v/{tampered}")
    assert refused.status_code == 404 and 'data-genuine="false"' in refused.text
    assert "không hợp lệ" in refused.text
    assert client().get("/v/garbage").status_code == 404


def test_receipt_and_verification_views(engine: Engine) -> None:
    code, _attachment, _raw = sent_by("an.nguyen")
    with unit_of_work() as db:
        dossier = db.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        slip = receipts.receipt_for(db, dossier.id, Actor.citizen(dossier.applicant_id))
        checked = receipts.verify_receipt(db, receipts.sign_code(code))
    view = receipt_routes.receipt_view(slip, EN)
    assert view.processing_time == "3 working days" and view.channel == "Online" and view.status == "Submitted"
    assert view.documents[0].detail == "1 electronic file"
    assert re.match(r"\d{2}:\d{2}, \d{1,2} \w{3} \d{4}", view.sent_at)
    assert view.received_at == "Not yet: the agency will receive it and tell you"
    public = receipt_routes.verification_view(checked, VI)
    assert public.genuine and public.status == "Đã nộp" and re.match(r"\d{2}/\d{2}/\d{4}$", public.appointment_at)
    assert receipt_routes.verification_view(receipts.PublicVerification(genuine=False), VI).code == ""
    assert receipt_routes.download_name("004.00.20.H01-261122-0001") == "giay-tiep-nhan-004.00.20.H01-261122-0001.pdf"
