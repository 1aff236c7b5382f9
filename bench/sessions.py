"""Signed-in phones without a browser: a session row written straight into the app's database.

What the sign-in callback (``web/auth.py``) does after the identity provider answered: the user is upserted
from the provider's claims and a session is created; the phone then sends the session cookie with its
websocket, exactly as a browser does. Demo accounts keep their own identity; ``clone`` gives a synthetic
citizen (its own subject and ID number) so hundreds of phones can each hold their own draft.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from citizen_app.core.identity.sessions import create_session
from citizen_app.core.identity.users import identity_from_claims, upsert_user
from citizen_app.db.engine import get_engine, unit_of_work
from citizen_app.idp.accounts import ACCOUNTS, DemoAccount

SCOPES = {"openid", "profile", "vneid_identity", "phone", "email", "address"}
COOKIE_NAME = "citizen_session"


def account(username: str) -> DemoAccount:
    return next(a for a in ACCOUNTS if a.username == username)


def clone(base: DemoAccount, number: int) -> DemoAccount:
    """A synthetic person like ``base`` with its own ID number (so its own subject and drafts): the same
    province, century, sex and birth year digits, then ``number`` (0 to 999,999) as the last six."""
    personal_id = base.personal_id[:6] + f"{number:06d}"
    return dataclasses.replace(base, username=f"bench.{number}", personal_id=personal_id, email=None)


def session_cookies(database_url: str, issuer: str, accounts: list[DemoAccount]) -> list[str]:
    """One ``Cookie`` header per account, each a fresh session, written in one transaction."""
    now = datetime.now(UTC)
    cookies = []
    with unit_of_work(get_engine(database_url)) as db:
        for person in accounts:
            user = upsert_user(db, issuer, identity_from_claims(person.claims_for(SCOPES)), now)
            raw, _session = create_session(db, user, now)
            cookies.append(f"{COOKIE_NAME}={raw}")
    return cookies
