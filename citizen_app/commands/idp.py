"""``idp serve|rotate-keys|accounts|client-key``: the VNeID-style sandbox identity provider.

``idp serve`` runs the provider as its own process (``make run`` can start it next
to the app); mounted at ``/idp`` on the app's server it needs no command at all.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from citizen_app.settings import get_settings, reset_settings_cache


def register(groups: argparse._SubParsersAction) -> None:
    idp = groups.add_parser("idp", help="the sandbox identity provider (VNeID-style OpenID Connect)")
    commands = idp.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the sandbox provider as its own HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8090)
    serve.add_argument("--issuer", help="public URL of the provider (default: http://HOST:PORT)")
    serve.add_argument("--data-dir", type=Path, help="where keys and the provider's database live (DATA_DIR)")
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=_serve)

    rotate = commands.add_parser("rotate-keys", help="make a new signing key; older ones stay published")
    rotate.add_argument("--data-dir", type=Path)
    rotate.add_argument("--keep", type=int, default=2, help="how many keys the JWKS keeps publishing")
    rotate.set_defaults(handler=_rotate)

    commands.add_parser("accounts", help="list the demo accounts").set_defaults(handler=_accounts)

    client_key = commands.add_parser("client-key", help="write a private key for private_key_jwt")
    client_key.add_argument("path", type=Path)
    client_key.add_argument("--alg", choices=["RS256", "ES256"], default="RS256")
    client_key.set_defaults(handler=_client_key)


def _use_data_dir(data_dir: Path | None) -> Path:
    if data_dir is not None:
        # The provider runs in worker processes that read Settings again: hand the choice down.
        os.environ["DATA_DIR"] = str(data_dir.resolve())
        reset_settings_cache()
    return get_settings().data_dir


def _serve(args: argparse.Namespace) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    issuer = (args.issuer or f"http://{args.host}:{args.port}").rstrip("/")
    os.environ["OIDC_ISSUER"] = issuer
    reset_settings_cache()
    data_dir = _use_data_dir(args.data_dir)
    # Create the keys and database before workers start, so they never race to make them.
    from citizen_app.idp.app import app_from_settings

    app_from_settings()
    print(f"VNeID sandbox provider: issuer {issuer}, data in {data_dir / 'idp'}", flush=True)
    Granian(
        target="citizen_app.idp.app:app_from_settings",
        factory=True,
        interface=Interfaces.ASGI,
        address=args.host,
        port=args.port,
        workers=args.workers,
        log_access=False,
    ).serve()
    return 0


def _rotate(args: argparse.Namespace) -> int:
    from citizen_app.idp.keys import KeyStore

    settings = get_settings()
    data_dir = _use_data_dir(args.data_dir)
    kid = KeyStore(data_dir / "idp" / "keys", alg=settings.sandbox_idp_key_alg).rotate(keep=args.keep)
    print(kid)
    return 0


def _accounts(_args: argparse.Namespace) -> int:
    from citizen_app.idp.accounts import ACCOUNTS, DEMO_PASSWORD

    print(f"password for every account: {DEMO_PASSWORD}")
    for account in ACCOUNTS:
        unit = f" {account.unit_level}:{account.unit_code}" if account.unit_level else ""
        roles = ",".join(account.roles)
        print(f"{account.username:<12} {account.personal_id} L{account.level} {roles}{unit}  {account.name}")
    return 0


def _client_key(args: argparse.Namespace) -> int:
    from joserfc.jwk import ECKey, RSAKey

    if args.alg == "RS256":
        key: RSAKey | ECKey = RSAKey.generate_key(2048, private=True)
    else:
        key = ECKey.generate_key("P-256", private=True)
    document = key.as_dict(private=True)
    document["kid"] = key.thumbprint()
    args.path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(args.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(document, handle)
    print(f"wrote {args.path} (kid {document['kid']}); set OIDC_PRIVATE_KEY_PATH and OIDC_CLIENT_AUTH_METHOD")
    return 0
