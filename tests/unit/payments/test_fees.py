"""Fees computed from the catalogue and the answers: fixed, per unit, per channel, validity periods, reductions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from citizen_app.core.catalog import check_catalog
from citizen_app.core.catalog.loader import parse_procedure
from citizen_app.core.catalog.taxonomy import parse_taxonomy  # noqa: F401  (the loader's own taxonomy reader)
from citizen_app.core.dossiers import ProcedureTerms
from citizen_app.core.fees import Fee, FeeBreakdown, FeeReduction, FeeSchedule, UnitFee, compute_fee
from citizen_app.core.forms.schema import Condition
from citizen_app.core.i18n import get_translator
from citizen_app.settings import get_settings
from citizen_app.ui.fee_view import fee_lines

COPY = {"vi": "Bản sao", "en": "Copy"}
DAY = date(2026, 12, 4)


def _catalogue() -> dict[str, object]:
    loaded = check_catalog(get_settings().catalog_dir)
    assert [str(p) for p in loaded.problems] == []
    return {p.code: p for p in loaded.procedures}


def test_a_fixed_fee_differs_by_channel() -> None:
    schedule = FeeSchedule(fees=(Fee("online", 10_000), Fee("counter", 20_000)))
    assert compute_fee(schedule, "online", DAY).total_vnd == 10_000
    assert compute_fee(schedule, "counter", DAY).total_vnd == 20_000
    assert compute_fee(schedule, "post", DAY).lines == ()


def test_a_fee_per_unit_counts_the_answer() -> None:
    schedule = FeeSchedule(fees=(Fee("online", 0, per_unit=UnitFee("copies", 8_000, COPY)),))
    breakdown = compute_fee(schedule, "online", DAY, {"copies": 2})
    assert breakdown.total_vnd == 16_000
    (line,) = breakdown.lines
    assert (line.kind, line.quantity, line.unit_vnd, line.amount_vnd) == ("per_unit", 2, 8_000, 16_000)
    # Nothing asked for, nothing to pay; junk answers count as none.
    for answer in (0, None, "", "abc", -3, True):
        assert compute_fee(schedule, "online", DAY, {"copies": answer}).total_vnd == 0


def test_the_fee_valid_on_the_day_is_taken() -> None:
    schedule = FeeSchedule(
        fees=(
            Fee("online", 30_000, valid_until=date(2026, 12, 31)),
            Fee("online", 40_000, valid_from=date(2027, 1, 1)),
        )
    )
    assert compute_fee(schedule, "online", date(2026, 12, 31)).total_vnd == 30_000
    assert compute_fee(schedule, "online", date(2027, 1, 1)).total_vnd == 40_000


def test_reductions_follow_the_answers_and_the_largest_one_wins() -> None:
    schedule = FeeSchedule(
        fees=(Fee("online", 50_000, per_unit=UnitFee("copies", 10_000, COPY)),),
        reductions=(
            FeeReduction({"vi": "Giảm 50%", "en": "Half"}, 50, valid_until=date(2026, 12, 31)),
            FeeReduction({"vi": "Miễn", "en": "Exempt"}, 100, applies_to="base",
                         when=Condition(field="group", one_of=("poor_household", "war_invalid"))),
        ),
    )
    half = compute_fee(schedule, "online", DAY, {"copies": 1, "group": "none"})
    assert half.total_vnd == 30_000
    exempt = compute_fee(schedule, "online", DAY, {"copies": 1, "group": "war_invalid"})
    # The exemption takes the whole fixed fee; the copies are still halved by the date's reduction.
    assert exempt.total_vnd == 5_000
    assert compute_fee(schedule, "online", date(2027, 1, 2), {"copies": 1}).total_vnd == 60_000


def test_a_breakdown_survives_its_json_round_trip() -> None:
    schedule = FeeSchedule(fees=(Fee("online", 1_000, per_unit=UnitFee("copies", 8_000, COPY)),))
    breakdown = compute_fee(schedule, "online", DAY, {"copies": 3})
    assert FeeBreakdown.from_json(breakdown.as_json()) == breakdown
    assert breakdown.as_json()["total_vnd"] == 25_000


def test_birth_registration_is_free_but_copies_cost_8000_each() -> None:
    birth = ProcedureTerms.from_procedure(_catalogue()["1.001193"])
    assert birth.online_payment
    assert birth.fee_breakdown("online", DAY, {"copies": 0}).total_vnd == 0
    two = birth.fee_breakdown("online", DAY, {"copies": 2})
    assert two.total_vnd == 16_000
    vi = [(line.label, line.amount) for line in fee_lines(two, get_translator("vi"))]
    en = [(line.label, line.amount) for line in fee_lines(two, get_translator("en"))]
    assert vi == [("Bản sao Giấy khai sinh: 2 × 8.000\xa0đ", "16.000\xa0đ")]
    assert en == [("Copy of the birth certificate: 2 × VND\xa08,000", "VND\xa016,000")]


@pytest.mark.parametrize(("code", "full"), [("1.014063", 50_000), ("1.014064", 70_000)])
def test_id_card_fees_are_halved_until_the_end_of_2026_only(code: str, full: int) -> None:
    card = ProcedureTerms.from_procedure(_catalogue()[code])
    assert card.fee_breakdown("online", date(2026, 12, 31), {}).total_vnd == full // 2
    assert card.fee_breakdown("counter", date(2026, 12, 31), {}).total_vnd == full // 2
    assert card.fee_breakdown("online", date(2027, 1, 1), {}).total_vnd == full
    # The online-only 50 % of 2025 has ended: it does not stack on top any more.
    assert card.fee_breakdown("online", date(2025, 12, 31), {}).total_vnd == full // 2


def _parse(fees: object, reductions: object | None = None) -> list[str]:
    raw = yaml_procedure(fees, reductions)
    taxonomy = check_catalog(get_settings().catalog_dir).taxonomy
    _procedure, errors = parse_procedure(raw, taxonomy)
    return [str(e) for e in errors]


def yaml_procedure(fees: object, reductions: object | None) -> dict[str, object]:
    import yaml

    raw = yaml.safe_load((Path(get_settings().catalog_dir) / "1.001193.yaml").read_text(encoding="utf-8"))
    raw["fees"] = fees
    if reductions is not None:
        raw["fee_reductions"] = reductions
    return raw


def test_the_loader_checks_per_unit_fields_periods_and_reductions() -> None:
    assert _parse([{"channel": "online", "amount_vnd": 0, "per_unit": {"field": "nope", "amount_vnd": 1, "label": COPY}}])
    assert any("not a number" in e for e in _parse(
        [{"channel": "online", "amount_vnd": 0, "per_unit": {"field": "delivery", "amount_vnd": 1, "label": COPY}}]
    ))
    assert any("overlap" in e for e in _parse(
        [{"channel": "online", "amount_vnd": 1}, {"channel": "online", "amount_vnd": 2, "valid_from": "2026-01-01"}]
    ))
    assert any("before valid_from" in e for e in _parse(
        [{"channel": "online", "amount_vnd": 1, "valid_from": "2026-02-01", "valid_until": "2026-01-01"}]
    ))
    assert any("at most 100" in e for e in _parse([{"channel": "online", "amount_vnd": 1}], [{"label": COPY, "percent": 150}]))
    assert any("not a field" in e for e in _parse(
        [{"channel": "online", "amount_vnd": 1}], [{"label": COPY, "percent": 50, "when": {"field": "x", "equals": 1}}]
    ))
    assert _parse([{"channel": "online", "amount_vnd": 1}], [{"label": COPY, "percent": 50, "when": {"field": "copies", "equals": 1}}]) == []
