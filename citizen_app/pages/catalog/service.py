"""The service page: ``/{locale}/services/{code}``, one shareable address per language.

What the procedure is, who may apply, the documents, fees and time per channel, where to
apply, the legal basis and the steps; and the Apply online button, disabled with the reason
when the service cannot be applied for here. An index entry served with the generic
partial-online form says what "partial" means and where the application goes; one a ministry
handles says where to apply instead.

Curated procedures get a page of their own per locale, compiled from the catalogue at build
time, so their content is in the prerendered HTML (it paints before any JavaScript runs on a
slow phone). Every other code, the national index's information-only entries among them, goes
through the dynamic route ``/services/[code]``, whose content arrives from ``ServiceState``.
One view (``_found``) serves both: it takes either the state Var or a plain ``ServiceView``.
"""

from __future__ import annotations

from functools import partial
from html import escape
from typing import Any

import reflex as rx

from citizen_app.core.catalog import Catalog, Localized, Procedure, get_catalog
from citizen_app.core.i18n import N_, Translator, get_translator, other_locale
from citizen_app.states.catalog import ServiceState
from citizen_app.ui.bind import each, either, not_empty, pick, when
from citizen_app.ui.catalog_components import linked_groups_notice
from citizen_app.ui.catalog_view import (
    STATUS_TAG_CLASSES,
    STATUS_TAG_DEFAULT,
    ChannelRow,
    DocumentRow,
    LegalRow,
    ServiceView,
    service_view,
)
from citizen_app.ui.code_routes import PROCEDURE_CODE
from citizen_app.ui.document_title import document_title
from citizen_app.ui.first_paint import SERVICE_SLOT, first_paint_slot
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href, shell

# The service shown: ``ServiceState.service`` (a Var) on the dynamic route, a ServiceView on
# a prerendered page. Attribute access reads the same on both.
Service = Any


def _status_tag(service: Service) -> rx.Component:
    return rx.el.span(
        service.status,
        class_name=pick(service.status_kind, STATUS_TAG_CLASSES, STATUS_TAG_DEFAULT),
        data_testid="service-status",
    )


def _apply_box(t: Translator, service: Service) -> rx.Component:
    _ = t.gettext
    label = [rx.icon("send", size=20, aria_hidden="true"), rx.el.span(_("Apply online"))]
    return rx.el.div(
        when(
            service.can_apply,
            app_link(*label, to=service.apply_href, class_name="button button-block", testid="service-apply"),
            rx.fragment(
                rx.el.button(
                    *label,
                    type="button",
                    disabled=True,
                    aria_describedby="service-apply-reason",
                    class_name="button button-block",
                    data_testid="service-apply",
                ),
                rx.el.p(
                    rx.icon("info", size=20, aria_hidden="true"),
                    rx.el.span(service.apply_blocked_reason),
                    id="service-apply-reason",
                    class_name="apply-reason",
                    data_testid="service-apply-reason",
                ),
            ),
        ),
        # Depends on who is signed in, so it always comes from state.
        rx.cond(
            ServiceState.assurance_notice != "",
            rx.el.p(
                ServiceState.assurance_notice,
                class_name="notice notice-warning assurance-notice",
                data_testid="service-assurance",
            ),
        ),
        class_name="apply-box",
    )


def _channel_rows(rows: Service, testid: str) -> rx.Component:
    def row(item: ChannelRow) -> rx.Component:
        return rx.el.li(
            rx.el.span(item.channel, ": ", class_name="channel"),
            rx.el.strong(item.value),
            when(item.note != "", rx.el.span(item.note, class_name="row-note")),
        )

    return rx.el.ul(each(rows, row), class_name="channel-list", data_testid=testid)


def _glance_row(label: str, *value: rx.Component, testid: str) -> rx.Component:
    return rx.el.div(rx.el.dt(label), rx.el.dd(*value), class_name="summary-row", data_testid=testid)


def _at_a_glance(t: Translator, service: Service) -> rx.Component:
    _ = t.gettext
    return rx.el.dl(
        _glance_row(
            _("Where to apply"),
            rx.el.span(service.level, class_name="where-level"),
            when(service.agency != "", rx.el.span(service.agency, class_name="where-agency")),
            testid="service-where",
        ),
        when(
            service.status != "",
            _glance_row(_("Online service"), _status_tag(service), testid="service-online"),
        ),
        when(
            not_empty(service.times),
            _glance_row(_("Processing time"), _channel_rows(service.times, "service-time-list"), testid="service-time"),
        ),
        when(
            not_empty(service.fees),
            _glance_row(
                _("Fee"),
                _channel_rows(service.fees, "service-fee-list"),
                when(
                    service.fee_exemptions != "",
                    rx.el.p(
                        rx.el.strong(_("Exemptions:")),
                        " ",
                        service.fee_exemptions,
                        class_name="fee-exemptions",
                        data_testid="service-fee-exemptions",
                    ),
                ),
                testid="service-fee",
            ),
        ),
        class_name="summary-list",
    )


def _document(item: DocumentRow) -> rx.Component:
    return rx.el.li(
        rx.el.span(item.name, class_name="document-name"),
        rx.el.span(
            rx.el.span(item.requirement, class_name=either(item.required, "tag tag-error", "tag")),
            when(item.quantity != "", rx.el.span(item.quantity, class_name="document-quantity")),
            class_name="document-meta",
        ),
        when(item.note != "", rx.el.span(item.note, class_name="row-note")),
        class_name="document",
    )


def _text_section(title: str, text: Service, testid: str) -> rx.Component:
    return when(
        text != "",
        rx.el.section(rx.el.h2(title), rx.el.p(text), data_testid=testid),
    )


def _list_section(title: str, items: Service, testid: str, *, ordered: bool = False) -> rx.Component:
    tag = rx.el.ol if ordered else rx.el.ul
    return when(
        not_empty(items),
        rx.el.section(
            rx.el.h2(title),
            tag(each(items, lambda text: rx.el.li(text)), class_name="text-list"),
            data_testid=testid,
        ),
    )


def _legal(item: LegalRow) -> rx.Component:
    return rx.el.li(rx.el.span(item.number, class_name="legal-number"), " ", item.title)


def _partial_online(t: Translator, service: Service) -> rx.Component:
    """What applying online means for an entry served with the generic form, or where to apply
    instead for one a ministry or another central agency handles."""
    _ = t.gettext
    return rx.fragment(
        when(
            service.partial_means != "",
            rx.el.section(
                rx.el.h2(_("Apply online, finish at the counter")),
                rx.el.p(service.partial_means, data_testid="service-partial-means"),
                rx.el.p(service.partial_goes_to, data_testid="service-partial-goes-to"),
                class_name="notice",
                data_testid="service-partial",
            ),
        ),
        when(
            service.apply_elsewhere != "",
            rx.el.section(
                rx.el.h2(_("Where to apply instead")),
                rx.el.p(service.apply_elsewhere),
                class_name="notice",
                data_testid="service-elsewhere",
            ),
        ),
    )


def _found(t: Translator, service: Service) -> rx.Component:
    _ = t.gettext
    return rx.el.article(
        when(
            service.field_name != "",
            app_link(
                rx.icon("chevron-left", size=18, aria_hidden="true"),
                rx.el.span(service.field_name),
                to=service.field_href,
                class_name="back-link",
                testid="service-field",
            ),
        ),
        rx.el.h1(service.name, data_testid="service-name"),
        when(
            service.official_name != "",
            rx.el.p(service.official_name, lang="vi", class_name="official-name", data_testid="service-official-name"),
        ),
        when(service.name_note != "", rx.el.p(service.name_note, class_name="notice", data_testid="service-name-note")),
        rx.el.p(
            rx.el.span(_("Procedure code"), ": ", class_name="code-label"),
            rx.el.span(service.code, data_testid="service-code"),
            class_name="service-code",
        ),
        when(service.summary != "", rx.el.p(service.summary, class_name="lead", data_testid="service-summary")),
        _apply_box(t, service),
        _partial_online(t, service),
        when(
            service.information_only,
            rx.el.p(
                _(
                    "This procedure comes from the national list of procedures. We only know its name, field "
                    "and level: ask the agency which documents you need, what it costs and how long it takes."
                ),
                class_name="notice",
                data_testid="service-info-only",
            ),
        ),
        linked_groups_notice(
            _("This is also part of one application for a life event:"),
            service.groups,
            testid="service-groups",
            link_testid="service-group-",
            tag=rx.el.section,
        ),
        rx.el.h2(_("At a glance")),
        _at_a_glance(t, service),
        _text_section(_("Who can apply"), service.applicants, "service-applicants"),
        _text_section(_("Conditions"), service.conditions, "service-conditions"),
        when(
            not_empty(service.documents),
            rx.el.section(
                rx.el.h2(_("Documents you need")),
                rx.el.ul(each(service.documents, _document), class_name="document-list"),
                data_testid="service-documents",
            ),
        ),
        _list_section(_("What you get"), service.results, "service-results"),
        _list_section(_("How it works"), service.steps, "service-steps", ordered=True),
        when(
            not_empty(service.legal_basis),
            rx.el.section(
                rx.el.h2(_("Legal basis")),
                rx.el.ul(each(service.legal_basis, _legal), class_name="text-list legal-list"),
                data_testid="service-legal",
            ),
        ),
        class_name="service",
        data_testid="service",
    )


def _not_found(t: Translator) -> rx.Component:
    """In the page's language, and once more in the other one: the address may have been shared."""
    _ = t.gettext
    other = get_translator(other_locale(t.locale))
    return rx.el.section(
        rx.el.h1(_("Service not found")),
        rx.el.p(ServiceState.not_found_text, data_testid="service-not-found-text"),
        rx.el.p(
            other.gettext("Service not found"),
            ". ",
            other.gettext("Check the address, or search for the service."),
            lang=other.locale,
            class_name="other-language",
        ),
        app_link(
            rx.icon("search", size=20, aria_hidden="true"),
            rx.el.span(_("Search for a service")),
            to=href(t, "/search"),
            class_name="button",
            testid="service-not-found-search",
        ),
        class_name="stack",
        data_testid="service-not-found",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.el.div(
            rx.match(
                ServiceState.status,
                ("found", _found(t, ServiceState.service)),
                ("not_found", _not_found(t)),
                # Until the state has loaded: the entry the server put into the first HTML response
                # (web/first_paint.py); "Loading…" when the page was reached within the app.
                first_paint_slot(
                    SERVICE_SLOT,
                    f'<p class="loading" data-testid="service-loading">{escape(_("Loading…"))}</p>',
                ),
            ),
            data_title=document_title(ServiceState.title, t.locale),
        ),
        active="search",
    )


PAGE = Page(route="/services/[code]", title=N_("Service"), build=build, on_load=ServiceState.load)


def _prerendered(procedure: Procedure, catalog: Catalog, t: Translator) -> rx.Component:
    view: ServiceView = service_view(procedure, catalog, t)
    return shell(t, rx.el.div(_found(t, view)), active="search")


def prerendered_pages(catalog: Catalog | None = None) -> tuple[Page, ...]:
    """A page per curated procedure, at the same address as the dynamic route would give it.

    React Router prefers a static segment to ``[code]``, so these win for their codes; the
    catalogue is read when the app is compiled (a changed YAML file means a rebuild anyway).
    """
    catalog = catalog or get_catalog()
    return tuple(
        Page(
            route=f"/services/{procedure.code}",
            title=partial(_pick, procedure.name),
            description=partial(_pick, procedure.summary) if procedure.summary else None,
            build=partial(_prerendered, procedure, catalog),
            on_load=ServiceState.check_assurance,
        )
        for procedure in catalog.curated()
        if PROCEDURE_CODE.fullmatch(procedure.code)
    )


def _pick(texts: Localized, t: Translator) -> str:
    return t.pick(texts)
