"""The app shell: header, language switch, main content, footer and the phone's bottom navigation.

Laid out for a 360×800 phone first; from 768 px the bottom navigation moves into
the header for tablets and desktops (counter staff).
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from citizen_app.core.i18n import N_, Translator, other_locale
from citizen_app.settings import get_settings
from citizen_app.states.base import AppState
from citizen_app.ui.links import app_link
from citizen_app.ui.location import (
    language_switch_href,
    language_switch_refresh,
    sign_in_href,
    sign_in_refresh,
)

NAV_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    # (key, locale-free path, icon, label msgid)
    ("home", "/", "house", N_("Home")),
    ("search", "/search", "search", N_("Services")),
    ("applications", "/applications", "folder-open", N_("My applications")),
    ("account", "/account", "circle-user-round", N_("Account")),
)

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def href(t: Translator, path: str) -> str:
    """A locale-prefixed link within the app."""
    return f"/{t.locale}{path}"


def _brand(t: Translator) -> rx.Component:
    _ = t.gettext
    return app_link(
        rx.el.img(
            src="/icons/icon-192.png",
            alt="",
            custom_attrs={"width": "32", "height": "32"},
            class_name="brand-mark",
        ),
        rx.el.span(_("Public Services"), class_name="brand-name"),
        to=href(t, "/"),
        class_name="brand",
        testid="brand-home",
    )


def language_switch(t: Translator) -> rx.Component:
    target = other_locale(t.locale)
    # A document navigation: the server stores the choice in a cookie, then redirects back here.
    return app_link(
        rx.icon("languages", size=18, aria_hidden="true"),
        rx.el.span(LANGUAGE_NAMES[target]),
        to=language_switch_href(target),
        reload_document=True,
        on_mouse_down=language_switch_refresh(target),
        on_focus=language_switch_refresh(target),
        hreflang=target,
        lang=target,
        class_name="lang-switch",
        testid="lang-switch",
    )


def account_link(t: Translator) -> rx.Component:
    """Signed in: the person's name (their account). Otherwise: sign in, then come back here."""
    _ = t.gettext
    return rx.cond(
        AppState.signed_in,
        app_link(
            rx.icon("circle-user-round", size=18, aria_hidden="true"),
            rx.el.span(AppState.user_name, class_name="account-name"),
            to=href(t, "/account"),
            class_name="header-link",
            testid="header-account",
        ),
        app_link(
            rx.icon("log-in", size=18, aria_hidden="true"),
            rx.el.span(_("Sign in")),
            to=sign_in_href(),
            reload_document=True,
            on_mouse_down=sign_in_refresh(),
            on_focus=sign_in_refresh(),
            class_name="header-link",
            testid="header-sign-in",
        ),
    )


def _nav_links(t: Translator, active: str, css: str) -> rx.Component:
    _ = t.gettext
    return rx.el.nav(
        rx.el.ul(
            *[
                rx.el.li(
                    app_link(
                        rx.icon(icon, size=22, aria_hidden="true"),
                        rx.el.span(_(label)),
                        to=href(t, path),
                        class_name="nav-link",
                        aria_current="page" if key == active else None,
                        testid=f"{css}-{key}",
                    )
                )
                for key, path, icon, label in NAV_ITEMS
            ],
            # Counter staff see their workspace in the navigation too.
            rx.cond(
                AppState.is_staff,
                rx.el.li(
                    app_link(
                        rx.icon("briefcase", size=22, aria_hidden="true"),
                        rx.el.span(_("Counter workspace") if css == "top-nav" else _("Workspace")),
                        to=href(t, "/staff"),
                        class_name="nav-link",
                        aria_current="page" if active == "staff" else None,
                        testid=f"{css}-staff",
                    )
                ),
            ),
        ),
        class_name=css,
        aria_label=_("Main") if css == "top-nav" else _("Main (bottom)"),
    )


def connection_banner(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.cond(
        has_connection_errors,
        rx.el.div(
            rx.icon("wifi-off", size=18, aria_hidden="true"),
            rx.el.span(
                _(
                    "You are offline. What you type is kept on this phone and sent when the connection returns."
                )
            ),
            class_name="connection-banner",
            role="status",
            data_testid="connection-banner",
        ),
    )


def busy_banner(t: Translator) -> rx.Component:
    """The database was too busy to take a change (web/event_threads.py): nothing was saved, try again."""
    _ = t.gettext
    return rx.cond(
        AppState.server_busy,
        rx.el.div(
            rx.el.span(_("The service is very busy and nothing was saved. Please try again in a moment.")),
            class_name="connection-banner",
            role="alert",
            data_testid="busy-banner",
        ),
    )


def sandbox_banner(t: Translator) -> rx.Component:
    """Red, on every page, while any sandbox (e.g. the identity provider with public accounts) is mounted.

    Decided when the pages are compiled, from the same settings the server mounts the sandboxes
    with (``reflex run`` compiles with the server's environment).
    """
    _ = t.gettext
    if not get_settings().enabled_sandboxes:
        return rx.fragment()
    return rx.el.div(
        rx.el.strong(_("SANDBOX")),
        rx.el.span(
            # Short: on a 360 px phone it must not push a page's first answer below the fold.
            _("Test system with simulated services: do not enter real personal data.")
        ),
        class_name="sandbox-banner",
        role="note",
        data_testid="sandbox-banner",
    )


def shell(t: Translator, *content: rx.Component, active: str = "") -> rx.Component:
    _ = t.gettext
    return rx.el.div(
        rx.el.a(_("Skip to main content"), href="#main", class_name="skip-link", data_testid="skip-link"),
        sandbox_banner(t),
        rx.el.header(
            rx.el.div(
                _brand(t),
                _nav_links(t, active, "top-nav"),
                rx.el.div(language_switch(t), account_link(t), class_name="header-tools"),
                class_name="header-inner",
            ),
            class_name="site-header",
        ),
        connection_banner(t),
        busy_banner(t),
        rx.el.main(*content, id="main", class_name="main", tab_index=-1),
        rx.el.footer(
            rx.el.p(
                _("A prototype citizen service. The sign-in service is a sandbox: no real data."),
            ),
            rx.el.p(
                # The staff sign-on's button: a server route (core/identity/providers.py), so a document navigation.
                app_link(
                    _("Sign-in for public service staff"),
                    to=f"/auth/staff/login?next=/{t.locale}/staff",
                    reload_document=True,
                    testid="footer-staff-sign-in",
                    # A touch target like every other (44 px), without a class of its own in app.css.
                    style={"display": "inline-flex", "align_items": "center", "min_height": "var(--touch)"},
                ),
            ),
            rx.el.p(
                app_link(_("Feedback and petitions"), to=href(t, "/feedback"), testid="footer-feedback"),
                " · ",
                app_link(_("Open data"), to=href(t, "/open-data"), testid="footer-open-data"),
                class_name="footer-links",
            ),
            class_name="site-footer",
        ),
        _nav_links(t, active, "bottom-nav"),
        class_name="app",
        # Tests and the offline logic wait for this before interacting.
        data_hydrated=rx.cond(rx.State.is_hydrated, "true", "false"),
    )
