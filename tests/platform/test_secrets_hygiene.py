"""Secrets never appear in logs, error bodies, the audit log or the event log."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import serializers

from mozaika.audit.log import Actor
from mozaika.audit.models import AuditEntry
from mozaika.events.models import Event
from mozaika.identity.models import ApiClientSecret, ApiToken, Scope
from mozaika.identity.tokens import api_client_create, api_client_rotate
from tests.support import TRZEBIEL, Api, adoption_form


def test_no_secret_reaches_logs_bodies_or_the_audit_log(
    trzebiel_admin: Api, operator: Api, created_plan: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    password = "Tajne-Haslo-Wojta-2026!"
    User.objects.create_user(username="wojt", password=password)
    client, client_secret = api_client_create(
        name="sowa", scopes=[Scope.ELIGIBILITY_READ], voivodeships=["08"], actor=Actor.system("test")
    )
    rotated = api_client_rotate(client_id=client.pk, actor=Actor.system("test"))
    anonymous = Api(None)
    bodies = [
        anonymous.post_json("/api/v1/auth/token", {"username": "wojt", "password": password}),
        anonymous.post_json("/api/v1/auth/token", {"username": "wojt", "password": password + "x"}),
        Api(client_secret).get(f"/api/v1/gminas/{TRZEBIEL}/plans"),  # refused: wrong kind of party
        Api(client_secret + "tampered").get("/api/v1/me"),
        trzebiel_admin.post_form(f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/adoption", adoption_form()),
        operator.post_json("/api/v1/clients", {"name": "wod2021", "scopes": ["eligibility:read"]}),
    ]
    user_token = bodies[0].json()["token"]
    created_secret = bodies[-1].json()["secret"]
    secrets = [password, client_secret, rotated, user_token, created_secret, trzebiel_admin.token, operator.token]

    error_bodies = " ".join(b.content.decode() for b in bodies[1:-1])
    audit = serializers.serialize("json", AuditEntry.objects.all())
    events = serializers.serialize("json", Event.objects.all())
    stored = serializers.serialize("json", [*ApiToken.objects.all(), *ApiClientSecret.objects.all()])
    for secret in secrets:
        assert secret
        assert secret not in caplog.text
        assert secret not in error_bodies
        assert secret not in audit
        assert secret not in events
        assert secret not in stored


def test_check_deploy_passes_in_the_production_profile(db: None) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mozaika.site.settings",
        "MOZAIKA_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "mozaika.example.org",
        "DATABASE_URL": "postgres://mozaika@127.0.0.1:5432/mozaika",
        "BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "mozaika", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_its_settings() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mozaika.site.settings", "MOZAIKA_ENV": "production"}
    for name in ("SECRET_KEY", "DATABASE_URL", "BROKER_URL", "ALLOWED_HOSTS"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "mozaika", "check"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode != 0
    assert "must be set when MOZAIKA_ENV=production" in result.stderr


def test_security_headers_are_set() -> None:
    from django.test import Client

    response = Client().get("/healthz")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert json.loads(response.content) == {"status": "ok"}
