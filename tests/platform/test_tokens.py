"""Bearer tokens: hashed at rest, expiring, revocable; `issue_token` prints one last."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from mozaika.identity.models import ApiToken
from mozaika.identity.tokens import api_token_issue, credential_revoke
from tenants.demo.loader import OPERATOR_USERNAME
from tests.support import Api


def operator_user() -> object:
    return get_user_model().objects.get(username=OPERATOR_USERNAME)


def test_only_the_tokens_digest_is_stored(db: None) -> None:
    secret = api_token_issue(user=operator_user())  # type: ignore[arg-type]

    token = ApiToken.objects.get(digest=hashlib.sha256(secret.encode()).hexdigest())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM identity_apitoken WHERE row_to_json(identity_apitoken)::text LIKE %s", [f"%{secret}%"]
        )
        assert cursor.fetchone() == (0,)
    assert secret.startswith(token.prefix)


def test_expired_and_revoked_tokens_are_refused(db: None) -> None:
    expired = api_token_issue(user=operator_user(), ttl=timedelta(seconds=-1))  # type: ignore[arg-type]
    revoked = api_token_issue(user=operator_user())  # type: ignore[arg-type]
    assert Api(revoked).get("/api/v1/gminas").status_code == 200

    assert credential_revoke(secret=revoked) is True

    assert Api(expired).get("/api/v1/gminas").status_code == 401
    assert Api(revoked).get("/api/v1/gminas").status_code == 401


def test_a_deactivated_users_tokens_stop_working(db: None) -> None:
    user = get_user_model().objects.create(username="leaver", is_staff=True)
    secret = api_token_issue(user=user)
    user.is_active = False
    user.save()
    assert Api(secret).get("/api/v1/gminas").status_code == 401


def test_issue_token_prints_a_working_token_as_its_last_line(db: None) -> None:
    out = StringIO()
    call_command("issue_token", OPERATOR_USERNAME, stdout=out, stderr=StringIO())

    secret = out.getvalue().strip().splitlines()[-1]
    assert Api(secret).get("/api/v1/gminas").status_code == 200
    assert ApiToken.objects.filter(user__username=OPERATOR_USERNAME, last_used_at__lte=timezone.now()).exists()


def test_issue_token_for_an_unknown_user_fails(db: None) -> None:
    with pytest.raises(CommandError, match="no active user"):
        call_command("issue_token", "nobody", stdout=StringIO(), stderr=StringIO())
