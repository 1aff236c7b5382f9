"""The indicators page's view: percentages as people read them, the SVG chart, bars and tables."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from citizen_app.core.dashboard import Indicators
from citizen_app.core.i18n import get_translator
from citizen_app.core.open_data.indicators import IndicatorRow
from citizen_app.ui import open_data_view as view


def figures(received: int, online: int, resolved: int = 0, on_time: int = 0, ratings: int = 0,
            satisfied: int = 0) -> Indicators:
    return Indicators(received=received, received_online=online, resolved=resolved, resolved_on_time=on_time,
                      ratings=ratings, ratings_satisfied=satisfied)


def test_percentages_in_each_language() -> None:
    assert view.percent(0.8291, get_translator("en")) == "82.9%"
    assert view.percent(0.8291, get_translator("vi")) == "82,9%"
    assert view.percent(None, get_translator("en")) == "—"


def test_the_chart_is_valid_svg_with_a_title_and_a_gap_where_there_is_no_rate() -> None:
    t = get_translator("en")
    months = [("2026-09", figures(10, 8, 4, 3, 2, 2)), ("2026-10", figures(0, 0)), ("2026-11", figures(5, 1, 2, 2))]
    svg = view.line_chart(months, "Thành phố <Hà Nội>", t)
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == "Online share, on-time rate and satisfaction by month, Thành phố <Hà Nội>"
    # October has no rates: no line crosses it, each series keeps its markers.
    assert root.findall(f"{ns}polyline") == []
    assert len(root.findall(f"{ns}circle")) == 2 and len(root.findall(f"{ns}rect")) == 2
    assert len(root.findall(f"{ns}path")) == 1  # satisfaction: September only


def test_bars_and_tables_per_province() -> None:
    t = get_translator("en")
    rows = [
        IndicatorRow("2026-10", "province", "01", "Hà Nội", "", "", figures(10, 9, 4, 2)),
        IndicatorRow("2026-11", "province", "01", "Hà Nội", "", "", figures(10, 7)),
        IndicatorRow("2026-10", "province", "79", "Hồ Chí Minh", "", "", figures(5, 5)),
    ]
    bars = view.bars(rows, "online", t)
    assert [(b.label, b.value, b.width) for b in bars] == [("Hồ Chí Minh", "100.0%", "100.0%"),
                                                           ("Hà Nội", "80.0%", "80.0%")]
    assert [b.label for b in view.bars(rows, "on_time", t)] == ["Hà Nội", "Hồ Chí Minh"]  # no rate: last
    table = view.province_rows(rows, "79", t)
    assert [(r.code, r.received, r.selected) for r in table] == [("01", "20", False), ("79", "5", True)]
    tiles = {tile.key: tile for tile in view.tiles(figures(25, 21, 4, 2, 3, 3), t)}
    assert tiles["online"].value == "84.0%" and tiles["received"].note == "21 online"
    assert view.month_label("2026-11", get_translator("vi")) == "11/2026"
