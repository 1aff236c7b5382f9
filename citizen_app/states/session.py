"""The "session ended mid-form" pattern, for every page that acts for a signed-in person.

In a handler that submits something::

    user = session_user(self)
    if user is None:
        self._draft = dict(form_data)          # keep what they typed (backend-only var)
        self._draft_owner = self._owner_id     # ... for the same person only
        return lost_session_response(self)

and put ``ui.session.session_ended_notice(t)`` on the page. A timed-out session shows
the notice ("your answers are saved") with a sign-in link back to this exact page; a
session ended some other way (signed out in another tab) goes straight to sign-in.
Either way the browser returns here, the loader finds the draft and puts it back.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.identity.sessions import AuthenticatedUser, login_url
from citizen_app.states.base import AppState


def session_user(state: AppState) -> AuthenticatedUser | None:
    """``state._current_user()``, except that a timeout already noticed stays noticed.

    The core reports a timeout once, from the check that ends the session; later checks
    of the same cookie see an ended session. Every page load checks first
    (``AppState.load_session``), so without this a page's own loader would never learn
    that the session *expired* rather than ended.
    """
    noticed = state.session_expired
    user = state._current_user()
    if user is None and noticed:
        state.session_expired = True
    return user


def sign_in_redirect(state: AppState) -> EventSpec:
    """To ``/auth/login?next=<this page>`` as a document navigation.

    ``rx.redirect`` follows a same-site path client-side (react-router), and
    ``/auth/login`` is a server route, not a page: it would show "page not found".
    """
    return rx.call_script(f"window.location.assign({json.dumps(login_url(state._here()))})")


def lost_session_response(state: AppState) -> EventSpec | None:
    """What to do once ``session_user`` found nobody: the notice for a timeout, else sign in now."""
    if state.session_expired:
        return None  # the page's session_ended_notice explains and links to sign-in
    return sign_in_redirect(state)
