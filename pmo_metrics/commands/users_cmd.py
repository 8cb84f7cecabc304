"""``users``: add a dashboard user (hashed password, role) or print a password's hash."""

from __future__ import annotations

import argparse
import getpass
import sys

from pmo_metrics.access import ROLES


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("users", help="manage the dashboard's local users (hashed passwords)")
    users = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = users.add_parser("add", help="add or replace a user with a role")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", help="display name")
    add.add_argument("--email")
    add.add_argument(
        "--config", help="users file (default: $PMO_AUTH_CONFIG or .streamlit/auth.yaml)"
    )
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(func=run_add)
    hashing = users.add_parser("hash", help="print the bcrypt hash of a password")
    hashing.add_argument("--password-stdin", action="store_true")
    hashing.set_defaults(func=run_hash)


def _password(from_stdin: bool) -> str:
    # Never a command-line argument: it would be visible in the process list and shell history.
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def run_add(args: argparse.Namespace) -> int:
    # Imported here: the users file needs bcrypt, YAML and pandas; the command line starts
    # without them.
    from pmo_metrics.users import AuthConfigError, add_user, auth_config_path, readable_by_others

    path = args.config or auth_config_path()
    was_readable = readable_by_others(path)
    try:
        add_user(
            path,
            args.username,
            _password(args.password_stdin),
            args.role,
            name=args.name,
            email=args.email,
        )
    except (AuthConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"user '{args.username}' ({args.role}) saved in {path}")
    if was_readable:
        print(
            f"warning: {path} was readable by others (it holds password hashes and the cookie "
            "secret); it is now readable by its owner only (0600)"
        )
    return 0


def run_hash(args: argparse.Namespace) -> int:
    from pmo_metrics.users import hash_password

    try:
        print(hash_password(_password(args.password_stdin)))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
