"""Sign-in end to end: the app's routes against the sandbox provider running as a separate process."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core.identity.sessions import resolve_session, session_token_from_cookie_header
from citizen_app.db.base import utcnow
from citizen_app.db.models.identity import AuthSession, User
from tests.unit.identity.helpers import sign_in


def test_citizen_signs_in_and_lands_where_they_were(app, db_session: Session) -> None:
    response = sign_in(app, "an.nguyen", next_path="/vi/dich-vu/1.001193?buoc=2")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/vi/dich-vu/1.001193?buoc=2"
    cookie = response.headers["set-cookie"]
    assert (
        "citizen_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=lax" in cookie.replace("Lax", "lax")
    )
    raw = session_token_from_cookie_header(response.headers["set-cookie"].split(";")[0], "citizen_session")
    user = resolve_session(db_session, raw, utcnow())
    assert user is not None and user.display_name == "Nguyễn Văn An" and user.assurance_level == 2
    stored = db_session.scalars(select(User)).one()
    assert stored.personal_id == "001085004217" and stored.permanent_commune_code == "00004"
    assert db_session.scalars(select(AuthSession)).one().token_hash != raw
