"""The server's first paint of a service draws what the service page draws, element for element.

``web/templates/first_paint/service.html`` writes the markup of ``pages/catalog/service.py``
(``_found``) again in Jinja2: React keeps the server's HTML until the page draws its own, so any
difference shows or moves. The page's view takes a plain ``ServiceView``, so both are drawn from
the same view of every curated procedure and of index entries, and their test ids and classes compared.
"""

from __future__ import annotations

import re

import pytest

from citizen_app.core.catalog import Catalog, get_catalog
from citizen_app.core.catalog.index_import import IndexRow, procedures_from_rows
from citizen_app.core.i18n import get_translator
from citizen_app.pages.catalog import service as service_page
from citizen_app.ui.catalog_view import service_view
from citizen_app.web.first_paint import render_service

# Part of the birth group (issue 12) but not curated: served by the dynamic route, drawn by the server.
HEALTH_INSURANCE_CARD = "2.000639"
# Who is signed in decides it: always the page's own, never the server's.
STATE_ONLY_TESTIDS = {"service-assurance"}
STATE_ONLY_CLASSES = {"notice notice-warning assurance-notice"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    curated = get_catalog()
    rows = [
        IndexRow("1.000294", "Bãi bỏ đường ngang", "province", "Cấp tỉnh", "Đường sắt", "Bộ Xây dựng"),
        IndexRow(HEALTH_INSURANCE_CARD, "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "commune", "Cấp xã",
                 "Bảo hiểm y tế", "Bảo hiểm xã hội Việt Nam"),
    ]
    return Catalog(curated.taxonomy, curated.curated(), procedures_from_rows(rows, curated.taxonomy))


def page_marks(code: str, catalog: Catalog, locale: str) -> tuple[set[str], set[str]]:
    procedure = catalog.get(code)
    assert procedure is not None
    tree = str(service_page._found(get_translator(locale), service_view(procedure, catalog, get_translator(locale))).render())
    testids = set(re.findall(r'"data-testid":"([^"]+)"', tree)) - STATE_ONLY_TESTIDS
    values = set(re.findall(r'className:"([^"]+)"', tree)) - STATE_ONLY_CLASSES
    classes = {name for value in values for name in value.split()}
    return testids, classes


def server_marks(code: str, catalog: Catalog, locale: str) -> tuple[set[str], set[str]]:
    rendered = render_service(code, get_translator(locale), catalog)
    assert rendered is not None
    html = rendered[1]
    testids = set(re.findall(r'data-testid="([^"]+)"', html))
    # The icons' own classes: rx.icon draws the same <svg> in the browser.
    classes = {name for value in re.findall(r'class="([^"]+)"', html) for name in value.split()}
    return testids, {name for name in classes if not name.startswith("lucide")}


def codes(catalog: Catalog) -> list[str]:
    return [procedure.code for procedure in catalog.curated()] + ["1.000294", HEALTH_INSURANCE_CARD]


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_the_server_draws_every_element_the_page_draws(catalog: Catalog, locale: str) -> None:
    for code in codes(catalog):
        page_testids, page_classes = page_marks(code, catalog, locale)
        server_testids, server_classes = server_marks(code, catalog, locale)
        assert server_testids == page_testids, code
        assert server_classes == page_classes, code


def test_an_index_entry_of_a_linked_group_points_to_it_in_the_first_paint(catalog: Catalog) -> None:
    rendered = render_service(HEALTH_INSURANCE_CARD, get_translator("vi"), catalog)
    assert rendered is not None
    article = rendered[1]
    assert '<section class="notice stack" data-testid="service-groups"><p class="notice-title">' in article
    assert 'data-testid="service-group-birth" href="/vi/life-events/birth"' in article
    # Where the page draws it: after the apply box, before "At a glance".
    assert article.index('class="apply-box"') < article.index("service-groups") < article.index('data-testid="service-where"')
