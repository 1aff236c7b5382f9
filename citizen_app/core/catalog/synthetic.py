"""Made-up procedures for scale tests: Vietnamese-like bilingual names from combinations.

Deterministic for a given seed, so benchmark figures are comparable between runs. Codes start
with ``9.`` (no national code does) so synthetic entries never collide with real ones.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from citizen_app.core.catalog.model import (
    CURATED_LEVELS,
    ONLINE_LEVELS,
    Document,
    Fee,
    LegalBasis,
    Localized,
    Procedure,
    ProcessingTime,
)
from citizen_app.core.catalog.taxonomy import Taxonomy

# (Vietnamese, English) pieces; English word order differs, so each piece is a phrase.
_ACTIONS: Sequence[tuple[str, str]] = (
    ("Cấp", "Issue"), ("Cấp lại", "Reissue"), ("Cấp đổi", "Renew"), ("Đăng ký", "Register"),
    ("Đăng ký lại", "Re-register"), ("Gia hạn", "Extend"), ("Điều chỉnh", "Amend"),
    ("Thu hồi", "Revoke"), ("Xác nhận", "Confirm"), ("Công nhận", "Recognise"),
    ("Thẩm định", "Appraise"), ("Phê duyệt", "Approve"), ("Chấm dứt", "Terminate"),
    ("Thông báo", "Notify"), ("Chuyển đổi", "Convert"), ("Hủy bỏ", "Cancel"),
)
_OBJECTS: Sequence[tuple[str, str]] = (
    ("giấy phép kinh doanh", "business licence"),
    ("giấy chứng nhận đủ điều kiện", "certificate of eligibility"),
    ("chứng chỉ hành nghề", "practising certificate"), ("giấy phép lao động", "work permit"),
    ("giấy phép khai thác", "extraction permit"), ("giấy xác nhận", "confirmation letter"),
    ("hồ sơ đề nghị hỗ trợ", "application for support"), ("quyết định thành lập", "establishment decision"),
    ("giấy phép vận tải", "transport permit"), ("sổ đăng ký", "registration book"),
    ("giấy phép môi trường", "environmental permit"), ("thẻ hành nghề", "practice card"),
    ("giấy chứng nhận an toàn thực phẩm", "food safety certificate"), ("biển hiệu", "signboard"),
    ("giấy phép hoạt động", "operating licence"), ("văn bản chấp thuận", "letter of approval"),
    ("hợp đồng mẫu", "standard contract"), ("giấy phép nhập khẩu", "import licence"),
    ("giấy phép xuất khẩu", "export licence"), ("trợ cấp", "allowance"),
)
_SUBJECTS: Sequence[tuple[str, str]] = (
    ("cơ sở sản xuất", "production facilities"), ("hộ gia đình", "households"), ("cá nhân", "individuals"),
    ("tổ chức", "organisations"), ("doanh nghiệp", "enterprises"), ("hợp tác xã", "cooperatives"),
    ("tàu cá", "fishing vessels"), ("cơ sở giáo dục", "schools"), ("cơ sở y tế", "health facilities"),
    ("nhà thuốc", "pharmacies"), ("người nước ngoài", "foreigners"), ("người lao động", "workers"),
    ("trang trại", "farms"), ("cơ sở lưu trú du lịch", "tourist accommodation"),
    ("phương tiện thủy nội địa", "inland waterway vessels"), ("quỹ xã hội", "social funds"),
)
_QUALIFIERS: Sequence[tuple[str, str]] = (
    ("", ""), ("", ""), ("", ""), ("có yếu tố nước ngoài", "with a foreign element"),
    ("tại cấp xã", "at commune level"), ("tại cấp tỉnh", "at province level"),
    ("trong trường hợp bị mất, hư hỏng", "when lost or damaged"), ("lần đầu", "for the first time"),
    ("khi thay đổi thông tin", "after a change of details"), ("thực hiện trực tuyến", "online"),
)
_AGENCIES: Sequence[Localized] = (
    Localized("Ủy ban nhân dân cấp xã", "Commune People's Committee"),
    Localized("Ủy ban nhân dân cấp tỉnh", "Provincial People's Committee"),
    Localized("Sở Tài chính", "Department of Finance"),
    Localized("Công an cấp xã", "Commune police"),
)
SYNTHETIC_PREFIX = "9."


def _name(rng: random.Random) -> Localized:
    (vi_action, en_action), (vi_object, en_object) = rng.choice(_ACTIONS), rng.choice(_OBJECTS)
    vi_subject, en_subject = rng.choice(_SUBJECTS)
    vi_qualifier, en_qualifier = rng.choice(_QUALIFIERS)
    vi = f"{vi_action} {vi_object} cho {vi_subject}" + (f" {vi_qualifier}" if vi_qualifier else "")
    en = f"{en_action} a {en_object} for {en_subject}" + (f" {en_qualifier}" if en_qualifier else "")
    return Localized(vi=vi, en=en)


def generate(count: int, taxonomy: Taxonomy, *, seed: int = 2025) -> Iterator[Procedure]:
    """``count`` procedures with codes 9.000001…; the same seed always gives the same entries."""
    rng = random.Random(seed)
    fields = list(taxonomy.fields) or ["other"]
    events = list(taxonomy.life_events)
    for number in range(1, count + 1):
        name = _name(rng)
        days = rng.choice((0, 1, 3, 5, 7, 10, 15, 20, 30))
        fee = rng.choice((0, 0, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000))
        channels = ("online", "counter") if rng.random() < 0.7 else ("counter",)
        yield Procedure(
            code=f"{SYNTHETIC_PREFIX}{number:06d}",
            name=name,
            summary=Localized(
                vi=f"Thủ tục {name.vi[0].lower()}{name.vi[1:]}. Nộp hồ sơ tại cơ quan có thẩm quyền.",
                en=f"How to {name.en[0].lower()}{name.en[1:]}. Apply to the competent agency.",
            ),
            field=rng.choice(fields),
            life_events=tuple(rng.sample(events, k=1)) if events and rng.random() < 0.2 else (),
            level=rng.choice(CURATED_LEVELS),
            agency=rng.choice(_AGENCIES),
            online_level=rng.choice(ONLINE_LEVELS),
            processing_time=tuple(
                ProcessingTime(channel=c, days=days) for c in channels  # type: ignore[misc]
            ),
            fees=tuple(Fee(channel=c, amount_vnd=fee) for c in channels),  # type: ignore[misc]
            documents=(
                Document(name=Localized("Tờ khai theo mẫu", "Application form"), originals=1, copies=0,
                         required=True),
                Document(name=Localized("Bản sao giấy tờ tùy thân", "Copy of an identity document"),
                         originals=0, copies=1, required=False),
            ),
            results=(Localized(f"Văn bản về việc {name.vi.lower()}", f"A decision to {name.en.lower()}"),),
            applicants=Localized("Cá nhân, tổ chức", "Individuals and organisations"),
            legal_basis=(
                LegalBasis(number=f"{rng.randint(1, 199)}/20{rng.randint(15, 25)}/NĐ-CP",
                           title=Localized("Nghị định của Chính phủ", "Government decree")),
            ),
        )


def to_yaml_document(procedure: Procedure) -> dict[str, Any]:
    """The procedure as a catalogue file would hold it (docs/catalogue-schema.md)."""

    def loc(text: Localized | None) -> dict[str, str] | None:
        return text.as_dict() if text is not None else None

    document: dict[str, Any] = {
        "code": procedure.code,
        "name": loc(procedure.name),
        "summary": loc(procedure.summary),
        "field": procedure.field,
        "life_events": list(procedure.life_events),
        "level": procedure.level,
        "agency": loc(procedure.agency),
        "online_level": procedure.online_level,
        "processing_time": [
            {"channel": p.channel, f"{p.unit}_days": p.days} for p in procedure.processing_time
        ],
        "fees": [{"channel": f.channel, "amount_vnd": f.amount_vnd} for f in procedure.fees],
        "documents": [
            {"name": loc(d.name), "originals": d.originals, "copies": d.copies, "required": d.required}
            for d in procedure.documents
        ],
        "results": [loc(r) for r in procedure.results],
        "applicants": loc(procedure.applicants),
        "legal_basis": [{"number": b.number, "title": loc(b.title)} for b in procedure.legal_basis],
    }
    return document


def write_directory(procedures: Sequence[Procedure], directory: Path, taxonomy_file: Path) -> int:
    """Write one YAML file per procedure plus the taxonomy they refer to; returns the file count."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / taxonomy_file.name).write_text(taxonomy_file.read_text(encoding="utf-8"), encoding="utf-8")
    for procedure in procedures:
        text = yaml.safe_dump(to_yaml_document(procedure), allow_unicode=True, sort_keys=False, width=110)
        (directory / f"{procedure.code}.yaml").write_text(text, encoding="utf-8")
    return len(procedures)
