"""Small rules of the pages and the proxy that need no I/O."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gateway.entrypoints.http.pages import local_path
from gateway.entrypoints.http.proxy import allowed

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/mentoring", "/mentoring"),
        ("/inbox?before=x", "/inbox?before=x"),
        ("https://evil.example/", "/home"),
        ("//evil.example/", "/home"),
        ("/\\evil.example", "/home"),
        ("javascript:alert(1)", "/home"),
        ("", "/home"),
        (None, "/home"),
    ],
)
def test_after_sign_in_only_a_page_of_this_site_is_opened(target: str | None, expected: str) -> None:
    assert local_path(target, "/home") == expected


def test_the_proxy_forwards_only_what_it_lists() -> None:
    assert allowed("GET", "notifications", "/me/inbox/stream")
    assert allowed("POST", "notifications", "/me/inbox/0b5a3c8e-7d69-4c5b-9a6a-8a0b1f1e2d3c/read")
    assert not allowed("DELETE", "notifications", "/me/inbox")
    assert not allowed("GET", "membership", "/internal/member-keys/0b5a3c8e-7d69-4c5b-9a6a-8a0b1f1e2d3c")
    assert not allowed("GET", "membership", "/me/export")
    assert not allowed("GET", "notifications", "/me/inbox/../../internal")
    assert not allowed("GET", "nowhere", "/me")
    assert allowed("GET", "events", "/me/registrations")
    assert allowed("GET", "events", "/conferences") and not allowed(
        "POST", "events", "/conferences"
    )  # hosts create events through the pages, with CSRF


def test_the_vendored_htmx_is_the_pinned_npm_release() -> None:
    """The gateway serves htmx from its own files; they must be npm's htmx.org at the version the lock pins
    (`make browser-tools` installs it)."""
    vendored = ROOT / "services/gateway/src/gateway/static/vendor/htmx-2.0.11.min.js"
    installed = ROOT / "tools/web/node_modules/htmx.org/dist/htmx.min.js"
    assert installed.exists(), "run `make browser-tools` (npm ci in tools/web) first"
    package = (ROOT / "tools/web/node_modules/htmx.org/package.json").read_text()
    assert '"version": "2.0.11"' in package
    assert hashlib.sha256(vendored.read_bytes()).hexdigest() == hashlib.sha256(installed.read_bytes()).hexdigest()
