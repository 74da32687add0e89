"""The docs page and the admin need nothing from another origin: their scripts, styles and icons
are Mozaika's own static files, no script is inline, and a Content-Security-Policy says so to the
browser (`tests/e2e/test_docs_browser.py` proves it in Chromium)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client


class _References(HTMLParser):
    """Every address the page makes the browser load, and the type of each script element."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.script_types: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        loaded = attributes.get("src") or (attributes.get("href") if tag == "link" else None)
        if loaded:
            self.addresses.append(loaded)
        if tag == "script":
            self.script_types.append(None if attributes.get("src") else attributes.get("type"))


def _references(html: str) -> _References:
    parser = _References()
    parser.feed(html)
    return parser


def _served(client: Client, address: str) -> int:
    response = client.get(address)
    status = response.status_code
    response.close()  # WhiteNoise answers with an open file
    return status


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/docs", id="swagger-ui"),
        pytest.param("/admin/login/", id="admin-login"),
    ],
)
def test_the_page_loads_only_mozaikas_own_files(db: None, path: str) -> None:
    client = Client()

    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    names = re.sub(r'xmlns(?::\w+)?="[^"]*"', "", html)  # an SVG namespace is a name, not a load
    assert not re.search(r"(?:https?:)?//[\w.-]", names), "an address of another origin in the page"
    references = _references(html)
    assert references.addresses, "the page loads no file: the parser or the page changed"
    for address in references.addresses:
        assert re.match(r"/[^/]", address), address  # a path on Mozaika's own origin
        assert _served(client, address) == 200, address
    # A script either comes from a file or is a data block the browser does not run.
    assert all(kind in (None, "application/json") for kind in references.script_types), references.script_types


def test_swagger_ui_starts_from_a_static_file_without_the_public_validator(db: None) -> None:
    html = Client().get("/api/v1/docs").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    assert '"validatorUrl": "none"' in html


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/docs", id="swagger-ui"),
        pytest.param("/admin/login/", id="admin-login"),
        pytest.param("/api/v1/openapi.json", id="openapi-json"),
        pytest.param("/healthz", id="health"),
    ],
)
def test_every_answer_carries_the_policy_and_the_other_security_headers(db: None, path: str) -> None:
    response = Client().get(path)

    policy = response["Content-Security-Policy"]
    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert not any(name.startswith("script-src") for name in directives)  # scripts: default-src
    assert "'unsafe-eval'" not in policy
    sources = {source for value in directives.values() for source in value.split()}
    assert sources <= {"'self'", "'none'", "data:", "'unsafe-inline'"}, sources  # no other host, no wildcard
    inline = {name for name, value in directives.items() if "'unsafe-inline'" in value}
    # Inline styles in the admin only (django-tenants' templates), inline scripts nowhere.
    assert inline == ({"style-src"} if path.startswith("/admin/") else set()), policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
