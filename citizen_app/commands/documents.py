"""``documents revoke-agency``: an agency's signing key is compromised.

    python -m citizen_app documents revoke-agency H01.01 --reason "Khoá bị lộ / key compromised"

revokes the agency's current signing certificate with the configured authority
(``SIGNING_AUTHORITY``): every result it signed then verifies as revoked, with the reason, on
``/d/<number>``, and the agency's next result is signed with another certificate (the sandbox
authority issues one at once; with ``pkcs12``, install the agency's new file from the CA).
"""

from __future__ import annotations

import argparse


def register(groups: argparse._SubParsersAction) -> None:
    group = groups.add_parser("documents", help="signed results (issue 13): the signing authority")
    commands = group.add_subparsers(dest="command", required=True)
    revoke = commands.add_parser("revoke-agency", help="revoke an agency's signing certificate (a compromised key)")
    revoke.add_argument("agency_code", help="the agency's code, as on its dossiers")
    revoke.add_argument("--reason", required=True, help="shown with every result it signed on /d/<number>")
    revoke.set_defaults(handler=_revoke_agency)


def _revoke_agency(args: argparse.Namespace) -> int:
    from citizen_app.core.documents.authority import AuthorityError
    from citizen_app.core.documents.issuing import ResultRefused, revoke_agency
    from citizen_app.db.base import utcnow
    from citizen_app.db.engine import unit_of_work

    try:
        with unit_of_work() as db:
            done = revoke_agency(db, args.agency_code, args.reason, actor_id=None, actor_role="operator",
                                 now=utcnow())
    except AuthorityError as problem:
        print(f"not revoked: {problem}")
        return 1
    except ResultRefused:
        print("not revoked: give a reason with --reason")
        return 2
    print(f"agency {args.agency_code}: certificate {done.certificate_serial:x} revoked at "
          f"{done.revoked_at:%Y-%m-%d %H:%M} UTC; {done.results} result(s) signed with it now verify as revoked")
    return 0
