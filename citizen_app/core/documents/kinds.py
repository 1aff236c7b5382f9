"""The small typed vocabulary of documents a citizen keeps in her store (issue 13).

Each kind has its name in both languages and how long it stays valid once issued (None: no limit).
A document slot of a form accepts some kinds (:data:`SLOT_ACCEPTS`, by the slot's id in the
catalogue), which is what lets a later application take a paper from the store instead of an upload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    key: str
    name: Mapping[str, str]
    valid_months: int | None = None


KINDS: Mapping[str, DocumentKind] = {
    kind.key: kind
    for kind in (
        DocumentKind("birth_certificate", {"vi": "Giấy khai sinh", "en": "Birth certificate"}),
        DocumentKind("marriage_certificate", {"vi": "Giấy chứng nhận kết hôn", "en": "Marriage certificate"}),
        DocumentKind("death_extract", {"vi": "Trích lục khai tử", "en": "Death registration extract"}),
        DocumentKind(
            "marital_status_certificate",
            {"vi": "Giấy xác nhận tình trạng hôn nhân", "en": "Certificate of marital status"},
            valid_months=6,
        ),
        DocumentKind("parentage_extract", {"vi": "Trích lục nhận cha, mẹ, con", "en": "Recognition of parentage extract"}),
        DocumentKind("guardianship_extract", {"vi": "Trích lục đăng ký giám hộ", "en": "Guardianship registration extract"}),
        DocumentKind("civil_status_copy", {"vi": "Bản sao trích lục hộ tịch", "en": "Copy of a civil-status extract"}),
        DocumentKind("certified_copy", {"vi": "Bản sao chứng thực", "en": "Certified copy"}),
        DocumentKind(
            "criminal_record_extract", {"vi": "Phiếu lý lịch tư pháp", "en": "Criminal record extract"}, valid_months=6
        ),
        DocumentKind("residence_confirmation", {"vi": "Xác nhận thông tin về cư trú", "en": "Residence confirmation"}),
        DocumentKind("id_card_copy", {"vi": "Bản sao thẻ căn cước", "en": "ID card copy"}),
        DocumentKind("medical_birth_certificate", {"vi": "Giấy chứng sinh", "en": "Medical birth certificate"}),
        DocumentKind("home_ownership_proof", {"vi": "Giấy tờ chứng minh chỗ ở", "en": "Proof of a home"}),
        DocumentKind("result_document", {"vi": "Kết quả giải quyết thủ tục", "en": "Result of a procedure"}),
        DocumentKind("other", {"vi": "Giấy tờ khác", "en": "Other document"}),
    )
}

# Which kinds a form's document slot accepts, by slot id (services_catalog/*.yaml, ``attachments``).
SLOT_ACCEPTS: Mapping[str, tuple[str, ...]] = {
    "relationship_proof": ("birth_certificate", "marriage_certificate", "parentage_extract", "civil_status_copy"),
    "proof_of_residence": ("home_ownership_proof", "residence_confirmation"),
    "birth_certificate": ("medical_birth_certificate",),
    "marriage_certificate": ("marriage_certificate",),
    "marital_status": ("marital_status_certificate",),
    "id_card": ("id_card_copy",),
    "id_card_copy": ("id_card_copy",),
    "criminal_record": ("criminal_record_extract",),
}


def kind_of(key: str) -> DocumentKind:
    return KINDS.get(key) or KINDS["other"]


def accepted_by(slot_id: str) -> tuple[str, ...]:
    return SLOT_ACCEPTS.get(slot_id, ())


def kind_for_slot(slot_id: str) -> str:
    """The kind an accepted attachment of this slot is kept as in the store."""
    accepts = SLOT_ACCEPTS.get(slot_id)
    return accepts[0] if accepts else "other"
