"""AWS Signature Version 4 for the HTTP remote, so that it can talk to S3 directly.

The signing itself is botocore's (``botocore.auth.S3SigV4Auth``), never hand-written; botocore
is imported only when an S3 remote is configured (the optional extra ``digikunta[s3]``).

Credentials come from the standard AWS environment variables, never from the config file:
``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` (required), ``AWS_SESSION_TOKEN``
(temporary credentials, optional). The region is the ``s3_region`` setting, else
``AWS_REGION`` / ``AWS_DEFAULT_REGION``. The document's URL is the object's URL, path-style
(``https://s3.eu-north-1.amazonaws.com/BUCKET/KEY``) or virtual-hosted
(``https://BUCKET.s3.eu-north-1.amazonaws.com/KEY``); both are signed as they are.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Generator, Mapping
from typing import Any

import httpx

from sync.errors import AuthError

__all__ = ["MISSING_BOTOCORE", "S3SigV4", "s3_auth_from_env"]

MISSING_BOTOCORE = (
    "signing S3 requests needs botocore, which is not installed: pip install 'digikunta[s3]'"
)
_SIGNED = frozenset({"content-type", "content-md5", "if-match", "if-none-match", "range"})
"""Request headers included in the signature besides Host and the x-amz-* ones."""
_FROM_SIGNER = ("Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256")


class S3SigV4(httpx.Auth):
    """Signs every request (the body's SHA-256 included) for the ``s3`` service in a region.

    Its repr shows the access key id's last four characters at most, never the secret.
    """

    requires_request_body = True

    def __init__(
        self, access_key: str, secret_key: str, region: str, session_token: str | None = None
    ) -> None:
        """Keep the credentials; ValueError if botocore is missing (the message says how to fix).

        Args:
            access_key: ``AWS_ACCESS_KEY_ID``.
            secret_key: ``AWS_SECRET_ACCESS_KEY``.
            region: the bucket's region, e.g. ``eu-north-1``.
            session_token: ``AWS_SESSION_TOKEN`` for temporary credentials, or None.
        """
        try:
            from botocore.auth import S3SigV4Auth
            from botocore.credentials import Credentials
        except ImportError:
            raise ValueError(MISSING_BOTOCORE) from None
        self._region = region
        self._key_hint = access_key[-4:]
        self._signer: Any = S3SigV4Auth(
            Credentials(access_key, secret_key, session_token), "s3", region
        )

    def __repr__(self) -> str:
        return f"S3SigV4(region={self._region!r}, access_key=<…{self._key_hint}>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the signature headers to ``request`` (httpx calls this once per request)."""
        from botocore.awsrequest import AWSRequest

        body = request.content  # read by httpx first: requires_request_body
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in _SIGNED or name.lower().startswith("x-amz-")
        }
        headers["X-Amz-Content-SHA256"] = hashlib.sha256(body).hexdigest()
        signed = AWSRequest(method=request.method, url=str(request.url), data=body, headers=headers)
        self._signer.add_auth(signed)
        for name in _FROM_SIGNER:
            if name in signed.headers:
                request.headers[name] = signed.headers[name]
        yield request


def s3_auth_from_env(region: str | None, environ: Mapping[str, str] = os.environ) -> S3SigV4:
    """SigV4 signing with the credentials of the standard AWS environment variables.

    Args:
        region: the ``s3_region`` setting; None or empty: ``AWS_REGION``/``AWS_DEFAULT_REGION``.
        environ: where to look the variables up (tests pass a dict).

    Raises:
        AuthError: a required variable is unset or empty (the message names it, never a value).
        ValueError: no region anywhere, or botocore is not installed.
    """
    region = region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise ValueError(
            "an S3 remote needs its region: set s3_region in the [sync] settings (or AWS_REGION)"
        )
    values = []
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        value = environ.get(name, "").strip()
        if not value:
            state = "empty" if name in environ else "not set"
            raise AuthError(f"environment variable {name} is {state} (the S3 credentials)")
        if not value.isascii() or not value.isprintable():
            raise AuthError(f"environment variable {name} holds characters that cannot be sent")
        values.append(value)
    token = environ.get("AWS_SESSION_TOKEN", "").strip() or None
    return S3SigV4(values[0], values[1], region, token)
