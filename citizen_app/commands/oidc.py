"""``oidc check``: each configured identity provider's discovery, keys, and the addresses to register.

Run it after setting ``OIDC_*`` (and ``OIDC_<KEY>_*`` for each key in ``OIDC_PROVIDERS``): it fetches
every provider's discovery document and JWKS afresh and prints, for each, the exact callback and
post-logout addresses its client registration must list, character for character. Exit status 1
when any provider cannot be used.
"""

from __future__ import annotations

import argparse

from citizen_app.settings import get_settings


def register(groups: argparse._SubParsersAction) -> None:
    oidc = groups.add_parser("oidc", help="the identity providers the app signs people in with")
    commands = oidc.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="verify discovery and print the addresses to register")
    check.add_argument("--provider", help="only this provider key (default: every configured provider)")
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    from citizen_app.core.identity.oidc import OidcClient
    from citizen_app.core.identity.providers import identity_providers

    settings = get_settings()
    registry = identity_providers(settings)
    if args.provider and registry.find(args.provider) is None:
        print(f"no provider {args.provider!r}; configured: {', '.join(p.key for p in registry)}")
        return 2
    providers = [registry.get(args.provider)] if args.provider else list(registry)
    failed = 0
    for provider in providers:
        result = OidcClient(provider, settings=settings).check()
        role = "staff sign-on" if provider.is_staff_sign_on else "citizen sign-in"
        default = ", the default" if provider.is_default else ""
        print(f"{provider.key}: {provider.display_name} ({role}{default})")
        print(f"  issuer                    {provider.issuer}")
        print(f"  client                    {provider.client_id} ({provider.client_auth_method})")
        if result.metadata is not None:
            metadata = result.metadata
            endpoints = ["authorization", "token", "jwks"]
            endpoints += ["userinfo"] if metadata.userinfo_endpoint else []
            endpoints += ["end_session"] if metadata.end_session_endpoint else []
            print(f"  discovery                 found: {', '.join(endpoints)}; {result.key_count} signing key(s)")
            if not metadata.end_session_endpoint:
                print("                            no end_session_endpoint: logout ends the session here only")
        for problem in result.problems:
            print(f"  PROBLEM                   {problem}")
        print(f"  sign-in starts at         {settings.public_base_url}{provider.login_path}")
        print("  register at the provider:")
        print(f"    redirect URI            {provider.redirect_uri}")
        print(f"    post-logout redirect    {provider.post_logout_redirect_uri}")
        print(f"  status                    {'OK' if result.ok else 'FAILED'}")
        print()
        failed += 0 if result.ok else 1
    return 1 if failed else 0
