"""The Reflex app: every page compiled once per locale, plus our HTTP routes.

Static text is translated at build time (``/vi/...`` and ``/en/...`` are separate
compiled pages), so it costs nothing at run time; dynamic messages are rendered
by the server in the user's language.
"""

from __future__ import annotations

import threading

import reflex as rx

from citizen_app import metrics
from citizen_app.core import transaction_hooks
from citizen_app.core.assistant.knowledge import knowledge_in
from citizen_app.core.assistant.service import get_assistant
from citizen_app.core.catalog import get_catalog
from citizen_app.core.i18n import LOCALES, get_translator
from citizen_app.core.search import get_index
from citizen_app.db.engine import serve_with_short_lock_waits
from citizen_app.logs import configure_logging
from citizen_app.pages import all_pages, not_found
from citizen_app.settings import get_settings
from citizen_app.ui.code_routes import allow_procedure_codes_in_routes
from citizen_app.ui.head import global_head, page_head
from citizen_app.ui.location import html_lang
from citizen_app.web.app import build_http_app
from citizen_app.web.event_threads import run_handlers_in_threads
from citizen_app.web.heap import warm_up_then_freeze
from citizen_app.web.housekeeping import housekeeping_loop
from citizen_app.web.security import event_exception_handler, secure
from citizen_app.web.tab_states import sweep_tab_states_on_a_schedule

# Attachment files and notification emails follow each transaction's commit or rollback.
transaction_hooks.install()

# JSON lines with a request id and no personal data (LOG_FORMAT); websocket events and jobs are timed.
configure_logging()
metrics.instrument_reflex_events()
metrics.watch_jobs()
# Event handlers (database work) run on a thread pool, never on the event loop; SQLite lock waits stay short.
run_handlers_in_threads()
serve_with_short_lock_waits()
# Idle tab states on disk are swept once a minute, not after every 2 s write batch (web/tab_states.py).
sweep_tab_states_on_a_schedule()

# An invalid catalogue stops the app here (CatalogError lists every problem); the search index is
# built now rather than on the first citizen's search.
get_catalog()
get_index()

# The procedure assistant: its curated file is read now (an error stops the app, like the
# catalogue's); its n-gram model (a few seconds) is built in the background, not on the first question.
knowledge_in(get_settings().catalog_dir)
# Then what start-up built is frozen out of the garbage collector's sweeps (web/heap.py: 0.35 s stalls otherwise).
threading.Thread(target=warm_up_then_freeze, args=(get_assistant,), name="assistant-warm-up", daemon=True).start()

app = rx.App(
    # app.css first (variables and building blocks), then one file per area.
    stylesheets=[f"/css/{name}.css" for name in ("app", "catalog", "account", "forms", "dossiers", "staff", "feedback", "assistant")],
    head_components=global_head(),
    # A Var, so <html lang> follows the language of the URL being shown (even in prerendered HTML).
    html_custom_attrs={"lang": html_lang()},  # type: ignore[dict-item]
    # The default overlay (connection toasts) is replaced by the shell's own bilingual banner.
    app_wraps={},
    toaster=None,  # no toasts: notices are part of each page, in its language
    # Our routes first, then security headers, body limits and origin checks around everything served.
    api_transformer=[build_http_app(), secure],
    # Refused events on one line, real errors with a (throttled) traceback, no toast.
    backend_exception_handler=event_exception_handler,
)
# The durable job queue (emails, SMS, draft purge, roll-ups) runs here unless a separate worker does (JOBS_IN_APP).
app.register_lifespan_task(housekeeping_loop)

# The prerendered service pages live at /{locale}/services/{national code}.
allow_procedure_codes_in_routes()
for locale in LOCALES:
    translator = get_translator(locale)
    for page in all_pages():
        app.add_page(
            page.build(translator),
            route=page.localized_route(locale),
            title=page.title_in(translator),
            description=page.description_in(translator),
            on_load=page.load_events(),
            meta=page_head(translator),
        )

app.add_page(not_found.build(), route="404", title="Không tìm thấy trang · Page not found")
