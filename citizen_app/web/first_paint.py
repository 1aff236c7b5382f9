"""Dynamic content in the first HTML response: search results and the national index's entries.

Most pages are prerendered, so a slow phone paints them before any JavaScript runs. Two kinds
of page show content that only the server knows: the results for a query
(``/{locale}/search?q=…``) and the service pages of the dynamic route ``/{locale}/services/[code]``
(the national index's 2,600 entries; curated procedures have prerendered pages of their own).
Their content used to arrive over the websocket after hydration: LCP 2.7–2.8 s on slow 4G.

Here the server answers those addresses itself. It takes the prerendered page React Router
built for the route (``vi/search/index.html``; for ``[code]``, the page prerendered for
:data:`TEMPLATE_CODE`, see :class:`FirstPaintPlugin`) and fills its first-paint slot with the
content, rendered with Jinja2 (autoescaped) from the same view models the Reflex page uses.

The slot is an ``rx.html`` element (``dangerouslySetInnerHTML``, see :func:`first_paint_slot`).
React does not compare or patch that HTML when it hydrates, so the server's content stays on
screen; once the page's state has loaded, the page draws the same content itself (same
elements, classes and data-testids) in place of the slot, and nothing moves. A page reached by
client-side navigation gets the slot's own default content (empty, or "Loading…").
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

import anyio
from markupsafe import Markup
from reflex_base.plugins.base import Plugin
from starlette.types import ASGIApp, Receive, Scope, Send

from citizen_app.core.catalog import Catalog, get_catalog
from citizen_app.core.i18n import Translator, get_translator
from citizen_app.settings import get_settings
from citizen_app.ui.catalog_view import (
    ResultsPage,
    SearchParams,
    results_page,
    service_view,
    status_tag_class,
)
from citizen_app.ui.first_paint import COUNT_SLOT, SEARCH_SLOT, SERVICE_SLOT
from citizen_app.web.page_paths import frontend_build_dir
from citizen_app.web.security import inline_script_hashes, page_policy
from citizen_app.web.templating import environment

# The code the dynamic service route is prerendered for: its HTML is the template every entry
# of that route is served from. Not a procedure code, so it can never shadow one.
TEMPLATE_CODE = "first-paint"

_SEARCH_PATH = re.compile(r"^/(vi|en)/search/?$")
_SERVICE_PATH = re.compile(r"^/(vi|en)/services/([^/]+)/?$")

# Lucide icons as the Reflex page draws them (rx.icon), so the first paint looks the same.
_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 24 24" fill="none" '
    'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
    'class="lucide lucide-{name}" aria-hidden="true">{paths}</svg>'
)
ICONS = {
    "chevron_left": Markup(_SVG.format(size=18, name="chevron-left", paths='<path d="m15 18-6-6 6-6"></path>')),
    "send": Markup(
        _SVG.format(
            size=20,
            name="send",
            paths='<path d="M14.536 21.686a.5.5 0 0 0 .937-.024l6.5-19a.496.496 0 0 0-.635-.635l-19 6.5a.5.5 0 0 0'
            '-.024.937l7.93 3.18a2 2 0 0 1 1.112 1.11z"></path><path d="m21.854 2.147-10.94 10.939"></path>',
        )
    ),
    "info": Markup(
        _SVG.format(
            size=20,
            name="info",
            paths='<circle cx="12" cy="12" r="10"></circle><path d="M12 16v-4"></path><path d="M12 8h.01"></path>',
        )
    ),
}


# --- the renderers (plain functions of the view models; unit-tested) --------------------------------


def render_search_results(page: ResultsPage, t: Translator, drawn_for: str = "", query: str = "") -> str:
    """The results: the cards of the first page, or "try this" when nothing matches.

    ``drawn_for`` is the address they answer (``/vi/search?q=…``): the page keeps them only at that
    address (ui/first_paint.py), not after moving within the app to another search.
    """
    return environment.get_template("first_paint/search_results.html").render(
        _=t.gettext,
        locale=t.locale,
        page=page,
        status_tag_class=status_tag_class,
        drawn_for=drawn_for,
        # The words searched go along to the assistant, as the page's own link does.
        assistant_href=f"/{t.locale}/assistant?q={quote(query, safe='')}",
    )


def render_search_count(page: ResultsPage) -> str:
    return f'<p class="result-count" data-testid="search-count" role="status">{Markup.escape(page.count_text)}</p>'


def render_service(
    code: str, t: Translator, catalog: Catalog | None = None, drawn_for: str = ""
) -> tuple[str, str] | None:
    """(page title, the service article) for a catalogue entry; None for a code nobody knows."""
    catalog = catalog or get_catalog()
    procedure = catalog.get(code)
    if procedure is None:
        return None
    view = service_view(procedure, catalog, t)
    article = environment.get_template("first_paint/service.html").render(
        _=t.gettext, locale=t.locale, service=view, icons=ICONS, status_tag_class=status_tag_class, drawn_for=drawn_for
    )
    return view.name, article


# --- filling the prerendered page ---------------------------------------------------------------------


@dataclass(frozen=True)
class FirstPaint:
    """What goes into the prerendered page: each slot's content, and the address it is served at."""

    slots: Mapping[str, str]
    path: str
    query: str = ""
    title: str | None = None
    # The results page: the query in the box, the chosen order, whether there is more to show.
    search_query: str | None = None
    sort: str | None = None
    has_more: bool = False


def _slot_pattern(slot_id: str) -> re.Pattern[str]:
    # The slot's default content holds no <div>, so its element ends at the first </div>.
    return re.compile(rf'(<div(?=[^>]*\bid="{slot_id}")[^>]*>)(.*?)(</div>)', re.S)


def fill(template_html: str, first_paint: FirstPaint) -> str | None:
    """The prerendered page with the content in its slots; None when the page lacks one of them."""
    html = template_html
    for slot_id, content in first_paint.slots.items():
        pattern = _slot_pattern(slot_id)
        if pattern.search(html) is None:
            return None
        html = pattern.sub(lambda match, content=content: match.group(1) + content + match.group(3), html, count=1)
    if first_paint.title is not None:
        html = re.sub(r"<title>.*?</title>", lambda _m: f"<title>{Markup.escape(first_paint.title)}</title>", html, count=1)
    if first_paint.search_query:
        value = Markup.escape(first_paint.search_query)
        html = html.replace('id="search-q"', f'id="search-q" value="{value}"', 1)
    if first_paint.sort is not None:
        html = _select_option(html, "search-sort", first_paint.sort)
    if first_paint.has_more:
        html = re.sub(
            r'<button[^>]*data-testid="search-more"[^>]*>',
            lambda match: match.group(0).replace(' hidden=""', ""),
            html,
            count=1,
        )
    return _here_links(html, first_paint.path, first_paint.query)


def _select_option(html: str, select_id: str, value: str) -> str:
    def choose(match: re.Match[str]) -> str:
        options = match.group(2).replace(' selected=""', "")
        options = options.replace(f'<option value="{value}">', f'<option value="{value}" selected="">', 1)
        return match.group(1) + options + match.group(3)

    return re.sub(rf'(<select(?=[^>]*\bid="{select_id}")[^>]*>)(.*?)(</select>)', choose, html, count=1, flags=re.S)


def _here_links(html: str, path: str, query: str) -> str:
    """The language switch and sign-in link lead back to this address (the template's was its own).

    After hydration the page computes the same hrefs from the browser's location, and refreshes
    them from ``window.location`` before they are followed (ui/location.py).
    """
    here = path.rstrip("/") + (f"?{query}" if query else "")
    without_locale = re.sub(r"^/(vi|en)(?=/|$)", "", path.rstrip("/")) or "/"
    suffix = without_locale + (f"?{query}" if query else "")

    def lang(match: re.Match[str]) -> str:
        target = match.group(1)
        return f'href="/lang/{target}?next={quote(f"/{target}{suffix}", safe="")}"'

    html = re.sub(r'href="/lang/(vi|en)\?next=[^"]*"', lang, html)
    return re.sub(r'href="/auth/login\?next=[^"]*"', f'href="/auth/login?next={quote(here, safe="")}"', html)


def first_paint_for(
    path: str, query_string: str, build_dir: Path, catalog: Catalog | None = None, raw_path: str | None = None
) -> str | None:
    """The first HTML response for ``path``, or None when the address is not ours to answer."""
    # As the browser's location.pathname + location.search will read it.
    drawn_for = (raw_path or path) + (f"?{query_string}" if query_string else "")
    search = _SEARCH_PATH.match(path)
    if search is not None:
        locale = search.group(1)
        template = _template(build_dir / locale / "search" / "index.html")
        if template is None:
            return None
        t = get_translator(locale)
        params = SearchParams.from_query(_first_values(query_string), catalog or get_catalog())
        page = results_page(params, t)
        slots = {COUNT_SLOT: render_search_count(page), SEARCH_SLOT: render_search_results(page, t, drawn_for, params.q)}
        return fill(
            template,
            FirstPaint(
                slots, path, query_string, search_query=params.q, sort=params.sort, has_more=page.has_more
            ),
        )
    service = _SERVICE_PATH.match(path)
    if service is not None:
        locale, code = service.group(1), unquote(service.group(2))
        if code == TEMPLATE_CODE or (build_dir / locale / "services" / code / "index.html").is_file():
            return None  # a curated procedure's own prerendered page, or the template itself
        template = _template(build_dir / locale / "services" / TEMPLATE_CODE / "index.html")
        rendered = render_service(code, get_translator(locale), catalog, drawn_for) if template is not None else None
        if template is None or rendered is None:
            return None  # an unknown code: the dynamic page says so, with a 404 (web/service_codes.py)
        title, article = rendered
        return fill(template, FirstPaint({SERVICE_SLOT: article}, path, query_string, title=title))
    return None


def _first_values(query_string: str) -> Mapping[str, str]:
    values: dict[str, str] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        values.setdefault(name, value)
    return values


def _template(page: Path) -> str | None:
    try:
        return _read_template(page, page.stat().st_mtime_ns)
    except OSError:
        return None


@functools.lru_cache(maxsize=8)
def _read_template(page: Path, _mtime_ns: int) -> str:
    """The build does not change while the app runs; a rebuild changes the mtime."""
    return page.read_text(encoding="utf-8")


class FirstPaintMiddleware:
    """Pure ASGI, outside the prerendered-page middleware: GET and HEAD of the two kinds of page."""

    def __init__(self, app: ASGIApp, build_dir: Path | None = None) -> None:
        self.app = app
        self._build_dir = build_dir

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "") if scope["type"] == "http" else ""
        if scope.get("method") not in ("GET", "HEAD") or not (_SEARCH_PATH.match(path) or _SERVICE_PATH.match(path)):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        build_dir = self._build_dir or frontend_build_dir()
        # The search and the rendering take a few milliseconds: off the event loop, like other work.
        raw_path = scope.get("raw_path", b"").decode("latin-1") or None
        html = await anyio.to_thread.run_sync(first_paint_for, path, query, build_dir, None, raw_path)
        if html is None:
            await self.app(scope, receive, send)
            return
        await _send_html(scope, send, html)


async def _send_html(scope: Scope, send: Send, html: str) -> None:
    body = html.encode("utf-8")
    # The template's inline scripts, unchanged: their hashes, so the security middleware need not
    # read (and cache a policy for) every distinct page.
    policy = page_policy(get_settings(), inline_script_hashes(html))
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-security-policy", policy.encode()),
        # The content follows the catalogue and the query: revalidate, never serve a stale copy.
        (b"cache-control", b"no-cache"),
        (b"vary", b"accept-encoding"),
    ]
    accepted = dict(scope.get("headers", [])).get(b"accept-encoding", b"")
    if b"gzip" in accepted:
        body = gzip.compress(body, compresslevel=6)
        headers.append((b"content-encoding", b"gzip"))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body})


# --- the build -----------------------------------------------------------------------------------------


def prerender_template_pages(config_source: str) -> str:
    """React Router's config: prerender the static pages and the dynamic service route for TEMPLATE_CODE."""
    extra = ", ".join(f'"/{locale}/services/{TEMPLATE_CODE}"' for locale in ("vi", "en"))
    replacement = f'"prerender": ({{getStaticPaths}}) => [...getStaticPaths(), {extra}]'
    return config_source.replace('"prerender": true', replacement)


class FirstPaintPlugin(Plugin):
    """Adds the template page of the dynamic service route to React Router's prerendered pages."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"]("react-router.config.js", prerender_template_pages)
