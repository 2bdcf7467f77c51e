"""HTTP: one-click unsubscribe (RFC 8058) from the link at the foot of every e-mail; no login needed.

`GET` only shows a confirmation page (mail scanners follow links, so a GET changes nothing); its button,
or a mail client's one-click `POST` (body `List-Unsubscribe=One-Click`), turns e-mail of the link's
category off. The signed token in the link is the only proof needed.
"""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import urlencode

from litestar import Controller, MediaType, Response, get, post
from litestar.params import QueryParameter

from notifications.domain.categories import Category
from notifications.entrypoints.http.dependencies import UnsubscribeSecret
from notifications.service_layer import preferences
from notifications.service_layer.preferences import InvalidUnsubscribeLink
from shared.web.dependencies import Pool
from shared.web.errors import status_of

TOKEN = QueryParameter(description="the signed token of the e-mail's unsubscribe link")
TOPICS: dict[Category, str] = {
    "account": "your Fellowship account",
    "matching": "peer mentoring",
    "conferences": "conferences",
}
# The token is in the page's URL: keep it out of caches, referrers and search engines.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}"
    "button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#2d5f8b;color:#fff}"
)


class UnsubscribeController(Controller):
    path = "/unsubscribe"
    tags = ["unsubscribe"]

    @get("/", operation_id="show_unsubscribe", media_type=MediaType.HTML)
    async def confirm(self, unsubscribe_secret: UnsubscribeSecret, token: Annotated[str, TOKEN] = "") -> Response[str]:
        """A page asking to confirm; nothing changes until its button is pressed. 400 for a bad link."""
        try:
            _, category = preferences.unsubscribe_link(token, unsubscribe_secret)
        except InvalidUnsubscribeLink as error:
            return _bad_link(error)
        action = escape(f"unsubscribe?{urlencode({'token': token})}")
        return _page(
            200,
            "Unsubscribe",
            f"<p>Stop e-mails about {TOPICS[category]}?</p>"
            f'<form method="post" action="{action}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            "<button type=submit>Unsubscribe</button></form>",
        )

    @post("/", operation_id="unsubscribe", media_type=MediaType.HTML, status_code=200)
    async def unsubscribe(
        self, pool: Pool, unsubscribe_secret: UnsubscribeSecret, token: Annotated[str, TOKEN] = ""
    ) -> Response[str]:
        """Turn e-mail of the link's category off (body `List-Unsubscribe=One-Click`, or none). 400 for a bad link."""
        try:
            category = await preferences.unsubscribe(pool, token, unsubscribe_secret)
        except InvalidUnsubscribeLink as error:
            return _bad_link(error)
        return _page(
            200,
            "Unsubscribed",
            f"<p>You will no longer receive e-mails about {TOPICS[category]}.</p>"
            "<p>You can turn them back on in your notification settings at any time.</p>",
        )


def _bad_link(error: InvalidUnsubscribeLink) -> Response[str]:
    return _page(status_of(error), "This link does not work", f"<p>{escape(error.detail)}</p>")


def _page(status: int, title: str, body: str) -> Response[str]:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} · Fellowship</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
        f"<body><h1>{title}</h1>{body}</body></html>"
    )
    return Response(html, status_code=status, media_type=MediaType.HTML, headers=HEADERS)
