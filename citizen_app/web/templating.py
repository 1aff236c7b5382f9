"""Server-rendered pages (offline page, receipts, errors): Jinja2 with autoescape and gettext."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from citizen_app.core.i18n import Translator, get_translator

_TEMPLATES = Path(__file__).parent / "templates"
environment = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(["html", "xml"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, locale: str, status_code: int = 200, **context: object) -> HTMLResponse:
    t: Translator = get_translator(locale)
    html = environment.get_template(template).render(t=t, _=t.gettext, locale=t.locale, **context)
    return HTMLResponse(html, status_code=status_code)
