"""Sign-out is a POST carrying the session's token: a link, an image or another site cannot sign anyone out."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from citizen_app.core.identity import csrf
from citizen_app.core.identity.sessions import resolve_session
from citizen_app.db.base import utcnow
from tests.unit.identity.helpers import sign_in


def _cookie(response) -> str:  # type: ignore[no-untyped-def]
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("citizen_session="):
            return header.split(";")[0].split("=", 1)[1]
    raise AssertionError("no session cookie")


def _alive(db: Session, raw: str) -> bool:
    db.expire_all()
    user = resolve_session(db, raw, utcnow())
    db.commit()
    return user is not None


def test_a_get_only_shows_the_button_and_signs_nobody_out(app, db_session: Session) -> None:  # type: ignore[no-untyped-def]
    raw = _cookie(sign_in(app, "binh.tran"))
    page = app.get("/auth/logout", params={"next": "/en/account"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert 'method="post"' in page.text and 'data-testid="sign-out-confirm"' in page.text
    assert re.search(r'name="next" value="/en/account"', page.text) and '<html lang="en">' in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert token == csrf.form_token(raw)
    assert _alive(db_session, raw)


def test_a_post_without_the_right_token_is_refused(app, db_session: Session) -> None:  # type: ignore[no-untyped-def]
    raw = _cookie(sign_in(app, "binh.tran"))
    for data in ({}, {"csrf": ""}, {"csrf": "forged"}, {"csrf": csrf.form_token("another session")}):
        refused = app.post("/auth/logout", data={**data, "next": "/vi/"})
        assert refused.status_code == 400 and 'data-testid="sign-out-expired"' in refused.text, data
        assert "citizen_session=" not in refused.headers.get("set-cookie", "")
        assert _alive(db_session, raw)
    # The page it answers with carries a fresh form: pressing it signs out.
    token = re.search(r'name="csrf" value="([^"]+)"', refused.text).group(1)
    done = app.post("/auth/logout", data={"csrf": token, "next": "/vi/"})
    assert done.status_code == 303 and not _alive(db_session, raw)


def test_the_token_belongs_to_one_session() -> None:
    assert csrf.form_token(None) == "" and not csrf.form_token_valid(None, "")
    first, second = csrf.form_token("raw-1"), csrf.form_token("raw-2")
    assert first != second and len(first) == 43
    assert csrf.form_token_valid("raw-1", first) and not csrf.form_token_valid("raw-2", first)
    assert csrf.form_token_for_cookies("lang=vi; citizen_session=raw-1") == first
