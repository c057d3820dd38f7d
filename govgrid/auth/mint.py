"""The development issuer: mint a bearer token from the command line, for local mode only.

The token is signed with the key pair under DEVELOPMENT_KEY_DIR (default .local/auth, generated on
first use), whose public half the services read in local mode. In production tokens come from the
city's identity provider and this refuses to run (AUTH_ISSUER names that provider).

    python -m govgrid.auth.mint --role station_officer --jurisdiction S01 --subject alice [--ttl 3600]

Only the token goes to stdout, so it can be captured: ``TOKEN=$(govgrid-token ...)``.
"""

from __future__ import annotations

import argparse

from govgrid.auth.principal import Role
from govgrid.auth.tokens import mint_token
from govgrid.config import get_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govgrid-token", description="Mint a govgrid bearer token.")
    parser.add_argument("--role", required=True, type=Role, choices=list(Role))
    parser.add_argument(
        "--jurisdiction",
        action="append",
        default=[],
        metavar="CODE",
        help="org unit code the caller is responsible for; repeat for several",
    )
    parser.add_argument("--subject", required=True)
    parser.add_argument(
        "--ttl", type=int, default=None, help="lifetime in seconds (default: JWT_TTL_SECONDS)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        token = mint_token(get_settings(), args.subject, args.role, args.jurisdiction, args.ttl)
    except ValueError as exc:
        parser.error(str(exc))  # exits with status 2, like any other bad argument
    print(token)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
