"""The docs page and the admin in a real browser cut off from every other host: Debian's headless
Chromium (`make browser` installs it), driven by Selenium, against the running product
(gunicorn, DEBUG off, as `make run`). Swagger UI must list the operations with nothing but
Mozaika's own files, under its Content-Security-Policy, with no failed load; the admin's styles
must load from Mozaika too."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from tests.e2e.conftest import Product
from tests.support import wait_until

PASSWORD = "haslo-administratora-e2e-2026"
OPERATIONS = ("listPlans", "getEligibility", "listGminas", "signIn")

# Set before any of the page's own scripts runs (DevTools, so the page's policy does not apply).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def chromium() -> Iterator[webdriver.Chrome]:
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (browser and driver):
        pytest.fail("Chromium or chromedriver is missing: `make browser` installs them (make test does)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        # Every other host: no name resolves, and an address goes to a proxy that is not there
        # (Chromium never proxies loopback).
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # The driver from the system's package, so Selenium never looks for one on the network.
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        chrome.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
        yield chrome
    finally:
        chrome.quit()


def _network(chrome: webdriver.Chrome) -> list[dict[str, Any]]:
    """The DevTools network events since the last call (the log is read once)."""
    events = [json.loads(entry["message"])["message"] for entry in chrome.get_log("performance")]
    return [event for event in events if event["method"].startswith("Network.")]


def _assert_only_own_origin_loaded(events: list[dict[str, Any]], base_url: str) -> dict[str, int]:
    """Every request went to `base_url`'s origin (or was a data: URL), none failed; the status of
    each answered URL."""
    own = urlsplit(base_url)
    requested = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
    assert requested, "the browser recorded no request"
    foreign = [url for url in requested if not url.startswith("data:") and urlsplit(url)[:2] != own[:2]]
    assert not foreign, foreign
    failed = [e["params"] for e in events if e["method"] == "Network.loadingFailed"]
    assert not failed, failed
    return {e["params"]["response"]["url"]: e["params"]["response"]["status"]
            for e in events if e["method"] == "Network.responseReceived"}  # fmt: skip


def _console_problems(chrome: webdriver.Chrome) -> list[str]:
    """Errors and warnings the page logged: a refused or failed load is one. Not the browser's
    own guess at /favicon.ico for a page that names no icon (the admin's), which Mozaika has not."""
    return [
        entry["message"]
        for entry in chrome.get_log("browser")
        if entry["level"] in ("SEVERE", "WARNING") and "/favicon.ico - " not in entry["message"]
    ]


@pytest.mark.e2e
@pytest.mark.one_configuration
def test_swagger_ui_lists_the_operations_offline_under_the_policy(product: Product, chromium: Any) -> None:
    chromium.get(f"{product.base_url}/api/v1/docs")

    listed = wait_until(
        lambda: all(chromium.find_elements(By.CSS_SELECTOR, f"[id^='operations-'][id$='-{op}']") for op in OPERATIONS),
        timeout=60,
        what=f"Swagger UI to list {', '.join(OPERATIONS)}",
    )
    assert listed
    plans = chromium.find_element(By.CSS_SELECTOR, "[id^='operations-'][id$='-listPlans']").text
    assert plans.startswith("GET\n/api/v1/"), plans
    statuses = _assert_only_own_origin_loaded(_network(chromium), product.base_url)
    for file in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert statuses[f"{product.base_url}/static/ninja/{file}"] == 200, statuses
    assert statuses[f"{product.base_url}/api/v1/openapi.json"] == 200, statuses
    assert chromium.execute_script("return window.cspViolations") == []
    assert _console_problems(chromium) == []

    # The policy is enforced, and the recorders see it: a script from elsewhere is refused.
    chromium.execute_script(
        "const s = document.createElement('script'); s.src = 'https://cdn.example.org/x.js'; document.head.append(s);"
    )
    refused = wait_until(lambda: chromium.execute_script("return window.cspViolations"), timeout=10, what="a refusal")
    assert refused == ["script-src-elem https://cdn.example.org/x.js"]
    assert any("Content Security Policy" in message for message in _console_problems(chromium))


@pytest.mark.e2e
@pytest.mark.one_configuration
def test_the_admin_login_page_has_its_styles_from_mozaika(product: Product, chromium: Any) -> None:
    chromium.get(f"{product.base_url}/admin/login/")

    wait_until(lambda: chromium.find_elements(By.ID, "id_username"), timeout=30, what="the login form")
    wait_until(lambda: chromium.execute_script("return document.readyState") == "complete", timeout=30, what="load")
    statuses = _assert_only_own_origin_loaded(_network(chromium), product.base_url)
    styles = {url: status for url, status in statuses.items() if url.endswith(".css")}
    assert f"{product.base_url}/static/admin/css/login.css" in styles, statuses
    assert set(styles.values()) == {200}, styles
    # The styles apply: Django's admin header is not the browser's default transparent box.
    header = chromium.execute_script("return getComputedStyle(document.getElementById('header')).backgroundColor")
    assert header not in ("", "rgba(0, 0, 0, 0)"), header
    assert chromium.execute_script("return window.cspViolations") == []
    assert _console_problems(chromium) == []

    # Signed in, a form with the admin's scripts (jQuery, widgets) runs under the policy too.
    product.shell(
        f"from django.contrib.auth.models import User; User.objects.create_superuser('e2e-admin', None, {PASSWORD!r})"
    )
    chromium.find_element(By.ID, "id_username").send_keys("e2e-admin")
    chromium.find_element(By.ID, "id_password").send_keys(PASSWORD)
    chromium.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait_until(lambda: chromium.find_elements(By.ID, "user-tools"), timeout=30, what="the admin's index")
    chromium.get(f"{product.base_url}/admin/auth/user/add/")
    wait_until(lambda: chromium.execute_script("return document.readyState") == "complete", timeout=30, what="load")
    assert chromium.find_elements(By.ID, "user_form")
    statuses = _assert_only_own_origin_loaded(_network(chromium), product.base_url)
    assert f"{product.base_url}/static/admin/js/vendor/jquery/jquery.min.js" in statuses, statuses
    assert chromium.execute_script("return window.cspViolations") == []
    assert _console_problems(chromium) == []


@pytest.mark.e2e
@pytest.mark.one_configuration
def test_the_browser_reaches_no_other_host(chromium: Any) -> None:
    for address in ("http://example.org/", "http://93.184.215.14/"):  # by name and by address
        with pytest.raises(WebDriverException, match=r"net::ERR_"):
            chromium.get(address)
