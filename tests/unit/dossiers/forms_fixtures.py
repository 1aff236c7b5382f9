"""A realistic form (permanent residence registration) shared by the dossier tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from citizen_app.core.forms import FormSchema, parse_form
from citizen_app.core.identity.profile_view import Address, ProfileView

TODAY = date(2026, 11, 20)


def L(vi: str, en: str | None = None) -> dict[str, str]:
    return {"vi": vi, "en": en or vi}


def raw_form(version: int = 1) -> dict[str, Any]:
    return {
        "version": version,
        "steps": [
            {
                "id": "applicant",
                "title": L("Người yêu cầu", "Applicant"),
                "fields": [
                    {
                        "id": "full_name",
                        "type": "text",
                        "label": L("Họ tên"),
                        "required": True,
                        "prefill": "identity.full_name",
                    },
                    {
                        "id": "personal_id",
                        "type": "personal_id",
                        "label": L("Số định danh"),
                        "required": True,
                        "prefill": "identity.personal_id",
                    },
                    {
                        "id": "birth_date",
                        "type": "date",
                        "label": L("Ngày sinh"),
                        "required": True,
                        "prefill": "identity.date_of_birth",
                        "validation": {"not_future": True},
                    },
                    {
                        "id": "sex",
                        "type": "radio",
                        "label": L("Giới tính"),
                        "prefill": "identity.sex",
                        "options": [
                            {"value": "male", "label": L("Nam")},
                            {"value": "female", "label": L("Nữ")},
                        ],
                    },
                    {
                        "id": "phone",
                        "type": "phone",
                        "label": L("Điện thoại"),
                        "required": True,
                        "prefill": "contact.phone",
                    },
                    {"id": "email", "type": "email", "label": L("Email"), "prefill": "contact.email"},
                ],
            },
            {
                "id": "residence",
                "title": L("Nơi thường trú mới", "New permanent residence"),
                "fields": [
                    {
                        "id": "new_address",
                        "type": "address",
                        "label": L("Địa chỉ"),
                        "required": True,
                        "prefill": "contact.current_address",
                    },
                    {
                        "id": "reason",
                        "type": "select",
                        "label": L("Lý do"),
                        "required": True,
                        "options": [
                            {"value": "family", "label": L("Về với gia đình")},
                            {"value": "work", "label": L("Công việc")},
                            {"value": "other", "label": L("Khác")},
                        ],
                    },
                    {
                        "id": "reason_other",
                        "type": "textarea",
                        "label": L("Ghi rõ"),
                        "required": True,
                        "show_if": {"field": "reason", "equals": "other"},
                        "validation": {"max_length": 200},
                    },
                    {
                        "id": "household_size",
                        "type": "number",
                        "label": L("Số người"),
                        "validation": {"min": 1, "max": 30},
                    },
                    {
                        "id": "members",
                        "type": "group",
                        "label": L("Người cùng chuyển"),
                        "max_items": 3,
                        "fields": [
                            {"id": "name", "type": "text", "label": L("Họ tên"), "required": True},
                            {
                                "id": "relation",
                                "type": "select",
                                "label": L("Quan hệ"),
                                "required": True,
                                "options": [
                                    {"value": "child", "label": L("Con")},
                                    {"value": "spouse", "label": L("Vợ/chồng")},
                                ],
                            },
                            {
                                "id": "member_id",
                                "type": "personal_id",
                                "label": L("Số định danh"),
                                "show_if": {"field": "relation", "equals": "spouse"},
                            },
                        ],
                    },
                    {"id": "declaration", "type": "checkbox", "label": L("Tôi cam đoan"), "required": True},
                ],
            },
        ],
        "attachments": [
            {
                "id": "proof_of_residence",
                "label": L("Giấy tờ chỗ ở hợp pháp"),
                "required": True,
                "max_files": 2,
            },
            {"id": "other_documents", "label": L("Giấy tờ khác"), "max_files": 3},
        ],
    }


def form(version: int = 1) -> FormSchema:
    parsed, errors = parse_form(raw_form(version), "form")
    assert not errors, errors
    assert parsed is not None
    return parsed


def profile(**changes: Any) -> ProfileView:
    values: dict[str, Any] = {
        "personal_id": "001090012345",
        "full_name": "Nguyễn Văn An",
        "date_of_birth": date(1990, 5, 17),
        "sex": "male",
        "place_of_origin": "Hà Nội",
        "permanent_address": Address("01", "00004", "12 Phố Đội Cấn", "Thành phố Hà Nội", "Phường Ba Đình"),
        "assurance_level": 2,
        "phone": "0912345678",
        "email": "an@example.vn",
        "current_address": Address("01", "00008", "5 Ngõ Núi Trúc", "Thành phố Hà Nội", "Phường Ngọc Hà"),
    }
    values.update(changes)
    return ProfileView(**values)


def complete_answers() -> dict[str, Any]:
    return {
        "full_name": "Nguyễn Văn An",
        "personal_id": "001090012345",
        "birth_date": "1990-05-17",
        "sex": "male",
        "phone": "0912345678",
        "email": "an@example.vn",
        "new_address": {"province_code": "01", "commune_code": "00008", "street": "5 Ngõ Núi Trúc"},
        "reason": "family",
        "household_size": 3,
        "members": [{"name": "Nguyễn Thị Bình", "relation": "child"}],
        "declaration": True,
    }


def communes(province: str, commune: str) -> bool:
    """A stand-in for admin_units.is_commune_in_province over a few real units."""
    return (province, commune) in {("01", "00004"), ("01", "00008"), ("79", "26734")}
