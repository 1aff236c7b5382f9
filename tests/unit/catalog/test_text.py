"""Vietnamese folding and tokens."""

from __future__ import annotations

import unicodedata

import pytest

from citizen_app.core.text import fold, folded_key, slugify, sort_key, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("ĐĂNG KÝ KHAI SINH", "dang ky khai sinh"),
        ("đ Đ", "d d"),
        ("Thường trú", "thuong tru"),
        ("Ủy ban nhân dân", "uy ban nhan dan"),
        ("ỹ ự ặ ờ ộ ẫ", "y u a o o a"),
        ("  nhiều \t khoảng\n trắng  ", "nhieu khoang trang"),
        ("Mã 1.001193", "ma 1.001193"),
        ("", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_handles_decomposed_input() -> None:
    assert fold(unicodedata.normalize("NFD", "Hồ Chí Minh")) == "ho chi minh"


def test_fold_keeps_other_scripts_and_drops_nothing_silently() -> None:
    assert fold("Рождение 出生") == "рождение 出生"


def test_tokenize_keeps_codes_whole_and_drops_punctuation_and_emoji() -> None:
    assert tokenize("Đăng ký (lần 2), mã 1.001193!") == ["dang", "ky", "lan", "2", "ma", "1.001193"]
    assert tokenize("🚗 xe 🚗") == ["xe"]
    assert tokenize("'; DROP TABLE x; --") == ["drop", "table", "x"]
    assert tokenize("   ") == []


def test_folded_key_ignores_punctuation() -> None:
    assert folded_key("Nhận cha, mẹ, con") == "nhan cha me con"


def test_slugify() -> None:
    assert slugify("Thi đua – Khen thưởng") == "thi-dua-khen-thuong"
    assert slugify("Đăng ký, quản lý cư trú") == "dang-ky-quan-ly-cu-tru"
    long = slugify("Chuyển đổi công ty nhà nước được thành lập và hoạt động theo Luật Doanh nghiệp nhà nước")
    assert len(long) <= 60 and not long.endswith("-")


def test_sort_key_drops_unit_kind() -> None:
    assert sort_key("Thành phố Hà Nội") == "ha noi"
    assert sort_key("Phường Ba Đình") == "ba dinh"
    assert sort_key("Đắk Lắk") == "dak lak"
