"""JavaScript expressions over the browser's current location (react-router's useLocation).

They render correctly in the prerendered HTML as well as after hydration, so the
language switch and ``<html lang>`` are right before any JavaScript runs.
"""

from __future__ import annotations

import reflex as rx
from reflex.utils.imports import ImportVar
from reflex.vars.base import VarData

_USE_LOCATION = {"react-router": [ImportVar(tag="useLocation")]}
_HOOK = "const routerLocation = useLocation();"


def html_lang() -> rx.Var:
    """``<html lang>`` follows the locale prefix of the URL.

    Called inline in the document layout, which may not declare hooks of its own;
    the call still runs once per render, in the same order, so React accepts it.
    """
    return rx.Var(
        "(useLocation().pathname.startsWith('/en') ? 'en' : 'vi')",
        _var_data=VarData(imports=_USE_LOCATION),
    )


def language_switch_href(target_locale: str) -> rx.Var:
    """``/lang/en?next=/en/<same page>``: the server remembers the choice, then returns to this page."""
    return rx.Var(
        f"('/lang/{target_locale}?next=' + encodeURIComponent('/{target_locale}' + "
        "(routerLocation.pathname.replace(/^\\/(vi|en)(?=\\/|$)/, '') || '/') + routerLocation.search))",
        _var_data=VarData(imports=_USE_LOCATION, hooks={_HOOK: None}),
    ).to(str)


def current_path() -> rx.Var:
    """Path and query of this page, e.g. for a sign-in link that comes back here."""
    return rx.Var(
        "(routerLocation.pathname + routerLocation.search)",
        _var_data=VarData(imports=_USE_LOCATION, hooks={_HOOK: None}),
    ).to(str)


def sign_in_href() -> rx.Var:
    """``/auth/login?next=<this page>``: after signing in, the person returns where they were."""
    return rx.Var(
        "('/auth/login?next=' + encodeURIComponent(routerLocation.pathname + routerLocation.search))",
        _var_data=VarData(imports=_USE_LOCATION, hooks={_HOOK: None}),
    ).to(str)


def refresh_href_from_window(testid: str, expression: str) -> rx.Var:
    """An event handler that rewrites a link's href from ``window.location`` just before it is followed.

    Pages may change the address without React Router knowing (``history.replaceState`` after a
    search), so a href computed from the router's location can be stale; mouse-down (touch taps fire it too) and focus
    both come before the click, for touch, mouse and keyboard alike.
    """
    from reflex.vars.function import FunctionStringVar

    return FunctionStringVar.create(
        f"(() => {{ const link = document.querySelector('[data-testid=\"{testid}\"]');"
        f" if (link) {{ link.setAttribute('href', {expression}); }} }})"
    )


def language_switch_refresh(target_locale: str) -> rx.Var:
    return refresh_href_from_window(
        "lang-switch",
        f"'/lang/{target_locale}?next=' + encodeURIComponent('/{target_locale}' + "
        "(window.location.pathname.replace(/^\\/(vi|en)(?=\\/|$)/, '') || '/') + window.location.search)",
    )


def sign_in_refresh() -> rx.Var:
    return refresh_href_from_window(
        "header-sign-in",
        "'/auth/login?next=' + encodeURIComponent(window.location.pathname + window.location.search)",
    )
