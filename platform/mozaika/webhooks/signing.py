"""Standard Webhooks signatures (https://www.standardwebhooks.com/): secrets are `whsec_` and
the base64 of 32 random bytes; a signature is `v1,` and the base64 of
HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"), one per secret in use, separated
by spaces. The spec's own Python code (`standardwebhooks`) computes it."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix the spec gives secrets, not a secret


def webhook_secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_signature(*, secrets_in_use: Iterable[str], msg_id: str, timestamp: datetime, body: str) -> str:
    """The `webhook-signature` header: one `v1,…` signature per secret."""
    return " ".join(Webhook(secret).sign(msg_id, timestamp, body) for secret in secrets_in_use)
