"""``/{locale}/track``: the public lookup, without signing in.

A dossier code plus the last four digits of the applicant's ID number show the status, the
dates and the receiving unit (``dossiers.public_lookup``: never a name, number or address).
Every attempt that reaches the database is counted per client (an IPv6 client by its /64) and
per dossier code first (``core.rate_limit.lookup_attempt``); over either limit, nothing is
looked up and the page says to wait, in both languages.

The client IP is the websocket's peer as Reflex saw it (``router.session.client_ip``).
Behind a reverse proxy that is the proxy's address unless Reflex's ``trusted_proxy_hops``
is set (see core/rate_limit.py and docs/tracking.md).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from citizen_app.core import dossiers, rate_limit
from citizen_app.core.codes import normalize_code_input
from citizen_app.core.i18n import N_, get_translator, other_locale
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.states.base import AppState
from citizen_app.ui.tracking_view import track_result

ENTER_CODE = N_("Enter the application code from your receipt")
ENTER_DIGITS = N_("Enter the last 4 digits of the applicant's personal ID number")
NOT_FOUND = N_(
    "We could not find an application with this code and these digits. Check both against your receipt "
    "and try again."
)
TOO_MANY = N_("Too many lookups from your connection. Wait a minute, then try again.")
TOO_MANY_FOR_CODE = N_(
    "Too many lookups for this application code. For the applicant's safety, wait an hour, then try again."
)
MAX_CODE_LENGTH = 40


class TrackState(AppState):
    # idle | found | not_found | limited
    outcome: str = "idle"
    code_error: str = ""
    pid_error: str = ""
    message: str = ""
    # The same message in the other language (a person who opened the wrong language still understands).
    message_other: str = ""
    message_other_lang: str = ""
    # What was found: the public part only.
    found_code: str = ""
    found_procedure: str = ""
    found_unit: str = ""
    found_status: str = ""
    found_status_class: str = "tag"
    found_sent: str = ""
    # Empty until the agency has received it.
    found_received: str = ""
    found_due: str = ""
    found_overdue: bool = False
    # Given in the URL (?code=…), e.g. from a receipt.
    initial_code: str = ""
    # Answers given on this page so far: lets a script (or a test) tell one answer from the next.
    lookups: int = 0

    @rx.event
    def load(self) -> None:
        self._clear()
        self.outcome = "idle"
        given = self.router.url.query_parameters.get("code", "")
        self.initial_code = normalize_code_input(str(given))[:MAX_CODE_LENGTH] if given else ""

    def _clear(self) -> None:
        self.code_error = self.pid_error = self.message = self.message_other = self.message_other_lang = ""
        self.found_code = self.found_procedure = self.found_unit = self.found_status = ""
        self.found_sent = self.found_received = self.found_due = ""
        self.found_overdue = False

    @rx.event
    def lookup(self, form_data: dict[str, Any]) -> None:
        self._clear()
        self.lookups += 1
        t = self._t()
        code = str(form_data.get("code") or "").strip()[:MAX_CODE_LENGTH]
        digits = str(form_data.get("pid") or "").strip()[:8]
        if not code:
            self.code_error = t.gettext(ENTER_CODE)
        if not (len(digits) == 4 and digits.isdigit()):
            self.pid_error = t.gettext(ENTER_DIGITS)
        if self.code_error or self.pid_error:
            self.outcome = "invalid"
            return
        client = self.router.session.client_ip or "unknown"
        now = utcnow()
        with unit_of_work() as db:
            decision = rate_limit.lookup_attempt(
                db,
                client,
                code,
                per_client_per_minute=get_settings().lookup_rate_limit_per_minute,
                per_code_per_hour=get_settings().lookup_rate_limit_per_code_per_hour,
                now=now,
            )
        if not decision.allowed:
            self.outcome = "limited"
            self._say(TOO_MANY_FOR_CODE if decision.action == rate_limit.LOOKUP_CODE else TOO_MANY)
            return
        with unit_of_work() as db:
            found = dossiers.public_lookup(db, code, digits, now=now)
        if found is None:
            self.outcome = "not_found"
            self._say(NOT_FOUND)
            return
        self.outcome = "found"
        for name, value in vars(track_result(found, t)).items():
            setattr(self, f"found_{name}", value)

    def _say(self, msgid: str) -> None:
        other = other_locale(self.locale)
        self.message = self._t().gettext(msgid)
        self.message_other = get_translator(other).gettext(msgid)
        self.message_other_lang = other
