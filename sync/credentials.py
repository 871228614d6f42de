"""Credentials for the HTTP remote, read from environment variables (never from a config file).

Secrets never appear in messages, logs or ``repr``: errors name the variable, not its value.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Mapping

import httpx

from sync.errors import AuthError

__all__ = ["BearerAuth", "auth_from_env"]


class BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer <token>`` to every request; its repr hides the token."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        """Keep the token for the requests to come.

        Args:
            token: the bearer token (printable ASCII, no spaces).
        """
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set the header on ``request`` (httpx calls this once per request)."""
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(token=<hidden>)"


def auth_from_env(
    *,
    token_env: str | None = None,
    username: str | None = None,
    password_env: str | None = None,
    s3_region: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> httpx.Auth | None:
    """Build the HTTP authentication named by the configuration.

    Give either ``token_env`` (bearer token), or ``username`` with ``password_env`` (basic
    auth), or ``s3_region`` (AWS SigV4 signing for S3, credentials from the standard
    ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN`` variables, see
    ``sync.s3_signing``); none of them means no authentication.

    Args:
        token_env: name of the variable holding a bearer token, e.g. ``DIGIKUNTA_TOKEN``.
        username: user name for basic auth (not a secret, may live in the config).
        password_env: name of the variable holding the basic-auth password.
        s3_region: the S3 bucket's region: sign requests with AWS SigV4 (needs botocore).
        environ: where to look the variables up (tests pass a dict).

    Returns:
        An ``httpx.Auth`` for ``HttpRemote(auth=...)``, or None.

    Raises:
        AuthError: a named variable is not set, is empty, or cannot be sent in a header.
        ValueError: the combination of arguments makes no sense (a configuration mistake), or
            S3 signing is asked for without botocore installed.
    """
    if s3_region is not None:
        if token_env is not None or username is not None or password_env is not None:
            raise ValueError(
                "an S3 remote signs its requests with the AWS_* environment variables: remove"
                " token_env, username and password_env"
            )
        from sync.s3_signing import s3_auth_from_env

        return s3_auth_from_env(s3_region, environ)
    if token_env is not None:
        if username is not None or password_env is not None:
            raise ValueError("give either a token variable or a user name and password, not both")
        token = _secret(environ, token_env).strip()
        if not token:
            raise AuthError(
                f"environment variable {token_env} is empty",
                code="auth.env_empty",
                variable=token_env,
            )
        if not token.isascii() or not token.isprintable() or " " in token:
            raise AuthError(
                f"environment variable {token_env} holds characters that cannot be sent"
                " in an HTTP header (a bearer token is printable ASCII without spaces)",
                code="auth.env_unsendable",
                variable=token_env,
            )
        return BearerAuth(token)
    if username is not None:
        if password_env is None:
            raise ValueError("basic auth needs the name of the password's environment variable")
        password = _secret(environ, password_env)
        if not password:
            raise AuthError(
                f"environment variable {password_env} is empty",
                code="auth.env_empty",
                variable=password_env,
            )
        if not password.isprintable():
            raise AuthError(
                f"environment variable {password_env} holds control characters (a line break?)",
                code="auth.env_unsendable",
                variable=password_env,
            )
        return httpx.BasicAuth(username, password)
    if password_env is not None:
        raise ValueError("a password variable was given without a user name")
    return None


def _secret(environ: Mapping[str, str], name: str) -> str:
    """The value of ``name``; AuthError naming the variable (never a value) if it is unset."""
    try:
        return environ[name]
    except KeyError:
        raise AuthError(
            f"environment variable {name} is not set", code="auth.env_unset", variable=name
        ) from None
