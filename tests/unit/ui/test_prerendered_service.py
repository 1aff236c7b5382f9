"""One service view, two sources: a state Var on the dynamic route, plain data on prerendered pages."""

from __future__ import annotations

import contextlib
import json

import reflex as rx
from reflex_components_core.base.bare import Bare

from citizen_app.core.catalog import get_catalog
from citizen_app.core.i18n import get_translator
from citizen_app.pages import PAGES, all_pages
from citizen_app.pages.catalog import service as service_page
from citizen_app.ui.bind import each, either, not_empty, pick, when
from citizen_app.ui.code_routes import PROCEDURE_CODE, allow_procedure_codes_in_routes


def rendered(component: rx.Component) -> str:
    return str(component.render())


def literal_texts(component: rx.Component) -> list[str]:
    """Every fixed text in the tree, decoded (the compiled page holds them as JS string literals)."""
    found: list[str] = []
    for child in component.children:
        if isinstance(child, Bare):
            with contextlib.suppress(ValueError):
                value = json.loads(str(child.contents))
                if isinstance(value, str):
                    found.append(value)
        elif isinstance(child, rx.Component):
            found.extend(literal_texts(child))
    return found


# ---- bind: the same call, a Var or a plain value ----------------------------------------------


def test_when_on_a_plain_value_keeps_only_the_branch_it_selects() -> None:
    shown = rendered(rx.el.div(when(True, rx.el.span("yes"), rx.el.span("no"))))
    hidden = rendered(rx.el.div(when("", rx.el.span("yes"))))
    assert '"yes"' in shown and '"no"' not in shown
    assert '"yes"' not in hidden


def test_when_on_a_var_is_a_conditional_in_the_page() -> None:
    component = when(rx.Var.create(True), rx.el.span("yes"), rx.el.span("no"))
    code = rendered(rx.el.div(component))
    assert '"yes"' in code and '"no"' in code  # both branches compiled; the browser picks


def test_either_pick_and_not_empty_on_plain_values() -> None:
    assert either(True, "a", "b") == "a" and either(0, "a", "b") == "b"
    assert pick("full", {"full": "tag-success"}, "tag") == "tag-success"
    assert pick("other", {"full": "tag-success"}, "tag") == "tag"
    assert not_empty(["x"]) is True and not_empty("") is False


def test_either_pick_and_not_empty_on_vars_stay_vars() -> None:
    flag = rx.Var.create(True)
    assert isinstance(either(flag, "a", "b"), rx.Var)
    assert isinstance(pick(rx.Var.create("full"), {"full": "x"}, "y"), rx.Var)
    assert isinstance(not_empty(rx.Var.create(["x"])), rx.Var)


def test_each_on_a_plain_list_renders_every_item_in_order() -> None:
    code = rendered(rx.el.ul(each(["first", "second"], lambda text: rx.el.li(text))))
    assert code.index('"first"') < code.index('"second"')


# ---- the prerendered service pages ------------------------------------------------------------


def test_every_curated_procedure_has_a_prerendered_page_at_its_shared_address() -> None:
    curated = {p.code for p in get_catalog().curated()}
    pages = service_page.prerendered_pages()
    assert {page.route for page in pages} == {f"/services/{code}" for code in curated}
    assert len(all_pages()) == len(PAGES) + len(pages)


def test_a_prerendered_page_carries_the_procedure_in_its_own_language() -> None:
    page = next(p for p in service_page.prerendered_pages() if p.route == "/services/1.001193")
    vi, en = get_translator("vi"), get_translator("en")
    assert page.title_in(vi) == "Thủ tục đăng ký khai sinh"
    assert page.title_in(en) != page.title_in(vi) and "birth" in page.title_in(en).lower()
    assert page.description_in(vi)
    component = page.build(vi)
    # The facts are in the compiled page itself (so in the prerendered HTML), not fetched after load.
    texts = literal_texts(component)
    for fact in ("Thủ tục đăng ký khai sinh", "Giấy chứng sinh", "60/2014/QH13", "Miễn phí"):
        assert fact in texts
    code = rendered(component)
    assert "/vi/services/1.001193/apply" in code
    assert "service-apply" in code and "service-documents" in code


def test_the_dynamic_route_still_reads_the_service_from_state() -> None:
    page = next(p for p in PAGES if p.route == "/services/[code]")
    component = page.build(get_translator("vi"))
    assert "ServiceState" in rendered(component).replace("service_state", "ServiceState")
    assert "Thủ tục đăng ký khai sinh" not in literal_texts(component)


def test_only_national_codes_are_let_through_reflex_route_check() -> None:
    import reflex.app

    allow_procedure_codes_in_routes()
    reflex.app.verify_route_validity("/vi/services/1.001193")
    reflex.app.verify_route_validity("/en/services/[code]/apply")
    assert PROCEDURE_CODE.fullmatch("2.000815") and not PROCEDURE_CODE.fullmatch("1.0.x")
    for bad in ("/vi/services/a.b", "/vi/services/1.0x1", "/vi/ser vices"):
        try:
            reflex.app.verify_route_validity(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad} should be refused")
