"""``api-clients register|list|revoke``: partner systems of the open API (OAuth 2 client credentials).

    python -m citizen_app api-clients register "Hệ thống một cửa Hà Nội" --province 01 \\
        --scope dossiers:read --scope dossiers:status [--secret-days 365]

prints the client id and secret once (only a digest of the secret is kept): hand them to the
partner over a safe channel. ``revoke`` stops the client and every token it holds at once.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime


def register(groups: argparse._SubParsersAction) -> None:
    from citizen_app.core.open_data.clients import SCOPES

    group = groups.add_parser("api-clients", help="partner systems of the open API (/api/v1)")
    commands = group.add_subparsers(dest="command", required=True)

    add = commands.add_parser("register", help="register a partner system; prints its id and secret once")
    add.add_argument("name", help="the partner system's name, e.g. the province's one-stop system")
    add.add_argument("--province", default=None, help="2-digit code of the province whose dossiers it handles")
    add.add_argument("--scope", action="append", choices=SCOPES, default=None, help="repeat for several")
    add.add_argument("--secret-days", type=int, default=365, help="days the secret stays valid (0: no expiry)")
    add.set_defaults(handler=_register)

    commands.add_parser("list", help="registered partner systems").set_defaults(handler=_list)

    revoke = commands.add_parser("revoke", help="stop a partner system and its tokens")
    revoke.add_argument("client_id")
    revoke.set_defaults(handler=_revoke)


def _register(args: argparse.Namespace) -> int:
    from citizen_app.core.open_data.clients import register_client
    from citizen_app.db.engine import unit_of_work

    try:
        with unit_of_work() as db:
            client_id, secret = register_client(
                db, name=args.name, scopes=tuple(args.scope or ("dossiers:read",)), province_code=args.province,
                now=datetime.now(UTC), secret_valid_days=args.secret_days or None,
            )
    except ValueError as problem:
        print(problem)
        return 2
    print(f"client_id={client_id}")
    print(f"client_secret={secret}")
    print("Keep the secret now: it is not stored and cannot be shown again.")
    return 0


def _list(_args: argparse.Namespace) -> int:
    from citizen_app.core.open_data.clients import list_clients
    from citizen_app.db.engine import session_factory

    with session_factory()() as db:
        clients = list_clients(db)
    for client in clients:
        state = "revoked" if client.revoked_at else "active"
        expiry = f"secret until {client.secret_expires_at:%Y-%m-%d}" if client.secret_expires_at else "no expiry"
        print(f"{client.client_id}  {state:<8} province={client.province_code or '-'}  "
              f"{' '.join(client.scopes)}  {expiry}  {client.name}")
    if not clients:
        print("no partner systems registered")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from citizen_app.core.open_data.clients import revoke_client
    from citizen_app.db.engine import unit_of_work

    with unit_of_work() as db:
        done = revoke_client(db, args.client_id, now=datetime.now(UTC))
    print(f"{args.client_id} revoked" if done else f"{args.client_id}: no such active client")
    return 0 if done else 1
