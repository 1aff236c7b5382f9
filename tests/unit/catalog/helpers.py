"""Small catalogues written into temporary directories."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

TAXONOMY: dict[str, Any] = {
    "fields": {
        "civil-status": {"name": {"vi": "Hộ tịch", "en": "Civil status"}, "index_names": ["Hộ tịch"]},
        "residence": {
            "name": {"vi": "Cư trú", "en": "Residence"},
            "index_names": ["Đăng ký, quản lý cư trú"],
        },
    },
    "life_events": {
        "having-a-baby": {"name": {"vi": "Sinh con", "en": "Having a baby"}},
        "moving-house": {"name": {"vi": "Chuyển nơi ở", "en": "Moving house"}},
    },
}


def procedure(code: str = "1.001193", name_vi: str = "Thủ tục đăng ký khai sinh",
              name_en: str = "Birth registration", **overrides: Any) -> dict[str, Any]:
    """A valid catalogue entry; ``overrides`` replace top-level keys (``None`` removes one)."""
    data: dict[str, Any] = {
        "code": code,
        "name": {"vi": name_vi, "en": name_en},
        "summary": {"vi": "Đăng ký việc sinh của trẻ.", "en": "Register a child's birth."},
        "field": "civil-status",
        "life_events": ["having-a-baby"],
        "level": "commune",
        "agency": {"vi": "Ủy ban nhân dân cấp xã", "en": "Commune People's Committee"},
        "online_level": "full",
        "processing_time": [
            {"channel": "online", "working_days": 0},
            {"channel": "counter", "working_days": 1},
        ],
        "fees": [{"channel": "online", "amount_vnd": 0}, {"channel": "counter", "amount_vnd": 8000}],
        "documents": [
            {
                "name": {"vi": "Tờ khai", "en": "Application form"},
                "originals": 1,
                "copies": 0,
                "required": True,
            },
        ],
        "results": [{"vi": "Giấy khai sinh", "en": "Birth certificate"}],
        "applicants": {"vi": "Cha, mẹ", "en": "Parents"},
        "legal_basis": [{"number": "123/2015/NĐ-CP", "title": {"vi": "Nghị định", "en": "Decree"}}],
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def write_catalog(directory: Path, entries: list[dict[str, Any]], taxonomy: dict[str, Any] | None = None,
                  raw_files: dict[str, str] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    taxonomy_data = copy.deepcopy(TAXONOMY if taxonomy is None else taxonomy)
    (directory / "_taxonomy.yaml").write_text(yaml.safe_dump(taxonomy_data, allow_unicode=True), "utf-8")
    for entry in entries:
        name = f"{entry.get('code')}.yaml"
        text = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False)
        (directory / name).write_text(text, encoding="utf-8")
    for name, text in (raw_files or {}).items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory
