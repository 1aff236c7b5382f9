"""Agency codes (sandbox mapping) and Circular 01/2018 dossier codes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from citizen_app.core import agencies, codes
from citizen_app.core.agencies import InvalidAgencyCode
from citizen_app.core.codes import InvalidDossierCode


def test_province_centre_code() -> None:
    centre = agencies.province_centre("79")
    assert centre.code == "000.00.00.H79"
    assert centre.name(province_name="Thành phố Hồ Chí Minh")["vi"] == (
        "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh"
    )
    assert agencies.parse_agency_code("000.00.00.H79") == centre


def test_commune_codes_are_distinct_and_reversible() -> None:
    ba_dinh = agencies.commune_committee("01", "00004")
    assert ba_dinh.code == "004.00.20.H01"
    saigon = agencies.commune_committee("79", "26734")
    assert saigon.code == "734.26.20.H79"
    assert agencies.parse_agency_code(saigon.code) == saigon
    assert saigon.name(commune_name="Phường Sài Gòn")["en"] == "People's Committee of Phường Sài Gòn"
    assert len({agencies.commune_committee("01", f"{n:05d}").code for n in range(1, 2000)}) == 1999


@pytest.mark.parametrize("bad", ["000.00.00.H7", "000.00.00.G79", "004.00.50.H01", "x", "004.00.20.H01 "])
def test_bad_agency_codes(bad: str) -> None:
    with pytest.raises(InvalidAgencyCode):
        agencies.parse_agency_code(bad)
    assert not agencies.is_agency_code(bad)


def test_receiving_agency_by_level() -> None:
    assert agencies.receiving_agency("commune", "01", "00004").code == "004.00.20.H01"
    assert agencies.receiving_agency("province", "01", "00004").code == "000.00.00.H01"
    with pytest.raises(InvalidAgencyCode):
        agencies.receiving_agency("commune", "01", None)
    with pytest.raises(InvalidAgencyCode):
        agencies.receiving_agency("ministry", "01", None)


def test_served_by() -> None:
    assert agencies.commune_committee("01", "00004").served_by("commune", "00004")
    assert not agencies.commune_committee("01", "00004").served_by("commune", "00008")
    assert not agencies.commune_committee("01", "00004").served_by("province", "01")
    assert agencies.province_centre("01").served_by("province", "01")


def test_dossier_code_format_and_parse() -> None:
    code = codes.format_dossier_code("004.00.20.H01", date(2026, 11, 21), 7)
    assert code == "004.00.20.H01-261121-0007"
    parsed = codes.parse_dossier_code(code)
    assert parsed == codes.DossierCode("004.00.20.H01", date(2026, 11, 21), 7)
    assert str(parsed) == code
    assert codes.parse_dossier_code(" 004.00.20.h01-261121-0007 ") == parsed


@pytest.mark.parametrize(
    "bad",
    [
        "004.00.20.H01-261121-007",
        "004.00.20.H01-261321-0007",  # month 13
        "004.00.20.H01-260230-0007",  # 30 February
        "004.00.20.H01-261121-0000",
        "004.00.31.H01-261121-0001",  # not an agency of ours
        "004.00.20.H01/261121/0001",
        "",
    ],
)
def test_bad_dossier_codes(bad: str) -> None:
    with pytest.raises(InvalidDossierCode):
        codes.parse_dossier_code(bad)
    assert not codes.is_dossier_code(bad)


def test_format_checks_its_parts() -> None:
    with pytest.raises(ValueError):
        codes.format_dossier_code("004.00.20.H01", date(2026, 1, 1), 10000)
    with pytest.raises(InvalidAgencyCode):
        codes.format_dossier_code("nope", date(2026, 1, 1), 1)


def test_receipt_day_is_the_vietnam_date() -> None:
    # 18:30 UTC on 20 November is 01:30 on 21 November in Hà Nội.
    assert codes.receipt_day(datetime(2026, 11, 20, 18, 30, tzinfo=UTC)) == date(2026, 11, 21)


def test_sequences_per_agency_and_day(db_session) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 11, 16)
    assert [codes.allocate_sequence(db_session, "004.00.20.H01", day) for _ in range(3)] == [1, 2, 3]
    assert codes.allocate_sequence(db_session, "008.00.20.H01", day) == 1
    assert codes.allocate_sequence(db_session, "004.00.20.H01", date(2026, 11, 17)) == 1
    db_session.rollback()
    # A rolled-back allocation gives its number back.
    assert codes.allocate_sequence(db_session, "004.00.20.H01", day) == 1


def test_the_ten_thousandth_dossier_of_a_day_is_refused(db_session) -> None:  # type: ignore[no-untyped-def]
    from citizen_app.db.models.dossiers import DossierCodeSequence
    from tests.unit.dossiers import helpers

    db_session.add(DossierCodeSequence(agency_code="008.00.20.H01", day=date(2026, 11, 16), last_value=9999))
    db_session.commit()
    with pytest.raises(codes.SequenceExhausted):
        helpers.submitted(db_session)
