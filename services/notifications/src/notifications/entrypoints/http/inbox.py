"""HTTP: a member's in-app inbox: pages of entries, read marks, the unread count, and a live stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, HeaderParameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, Field

from notifications.adapters.inbox import InboxEntry
from notifications.domain.categories import Category
from notifications.entrypoints.http.dependencies import Listener, StreamCaller
from notifications.service_layer import inbox
from shared.dependencies import Dependencies
from shared.web.app import BEARER
from shared.web.dependencies import Me, Pool, dependencies_of

KEEPALIVE_SECONDS = 15.0
RECONNECT_MS = 3000  # how long a browser's EventSource waits before it reconnects


class InboxEntryRead(BaseModel):
    entry_id: UUID
    category: Category
    template: str = Field(description="what kind of message this is, e.g. match_proposed")
    title: str
    body: str
    link: str | None = Field(description="the page the entry invites the member to open")
    created_at: datetime
    read: bool
    read_at: datetime | None

    @classmethod
    def of(cls, entry: InboxEntry) -> InboxEntryRead:
        return cls(
            entry_id=entry.entry_id,
            category=entry.category,
            template=entry.template,
            title=entry.title,
            body=entry.body,
            link=entry.link,
            created_at=entry.created_at,
            read=entry.read_at is not None,
            read_at=entry.read_at,
        )


class InboxPageRead(BaseModel):
    entries: list[InboxEntryRead] = Field(description="newest first")
    next_before: UUID | None = Field(description="give as `before` for the next, older page; null on the last page")


class UnreadCountRead(BaseModel):
    unread_count: int


class ReadAllRead(BaseModel):
    marked: int = Field(description="how many entries were unread")
    unread_count: int


class InboxController(Controller):
    path = "/me/inbox"
    tags = ["inbox"]
    security = [{BEARER: []}]

    @get("/", operation_id="list_inbox")
    async def page(
        self,
        pool: Pool,
        me: Me,
        before: Annotated[UUID | None, QueryParameter(description="the `next_before` of the previous page")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> InboxPageRead:
        """Your inbox, newest first, a page at a time."""
        page = await inbox.read_page(pool, me, before, limit)
        return InboxPageRead(entries=[InboxEntryRead.of(entry) for entry in page.entries], next_before=page.next_before)

    @get("/unread-count", operation_id="count_unread_inbox")
    async def unread(self, pool: Pool, me: Me) -> UnreadCountRead:
        return UnreadCountRead(unread_count=await inbox.unread_count(pool, me))

    @post("/{entry_id:uuid}/read", operation_id="mark_inbox_entry_read", status_code=HTTP_200_OK)
    async def mark_read(self, entry_id: FromPath[UUID], pool: Pool, me: Me) -> InboxEntryRead:
        """Mark one of your entries read (again is fine: the first read time stays); 404 for any other entry."""
        return InboxEntryRead.of(await inbox.mark_read(pool, me, entry_id))

    @post("/read-all", operation_id="mark_inbox_read", status_code=HTTP_200_OK)
    async def mark_all_read(self, pool: Pool, me: Me) -> ReadAllRead:
        """Mark every entry of your inbox read."""
        return ReadAllRead(marked=await inbox.mark_all_read(pool, me), unread_count=0)

    @get("/stream", operation_id="stream_inbox")
    async def stream(
        self,
        request: Request[Any, Any, Any],
        pool: Pool,
        inbox_listener: Listener,
        stream_caller: StreamCaller,
        last_event_id: Annotated[
            str | None,
            HeaderParameter(name="Last-Event-ID", description="resume after this entry id (EventSource sends it)"),
        ] = None,
    ) -> ServerSentEvent:
        """Your new inbox entries as Server-Sent Events, live: `event: notification`, `id:` the entry id and the
        entry as JSON `data:`. A comment arrives at once and every 15 seconds without news. With `Last-Event-ID`
        the entries after that one come first. Browsers' EventSource cannot send an Authorization header, so the
        token may be given as `?access_token=` here (this route only). The stream ends when the token expires
        (reconnect with a fresh one) or when the server stops."""
        events = inbox.follow(
            pool,
            inbox_listener,
            stream_caller.member_id,
            last_event_id=_entry_id(last_event_id),
            keepalive=KEEPALIVE_SECONDS,
            lifetime=dependencies_of(request.app.state, Dependencies).jwt_validator.seconds_left(stream_caller),
        )
        return ServerSentEvent(_messages(events), retry_duration=RECONNECT_MS)


async def _messages(events: AsyncIterator[InboxEntry | None]) -> AsyncIterator[ServerSentEventMessage]:
    async for entry in events:
        if entry is None:
            yield ServerSentEventMessage(data=None, comment="keep-alive")
        else:
            data = InboxEntryRead.of(entry).model_dump_json()
            yield ServerSentEventMessage(data=data, event="notification", id=str(entry.entry_id))


def _entry_id(text: str | None) -> UUID | None:
    """The Last-Event-ID as an entry id; anything else is ignored (the stream starts from now)."""
    try:
        return UUID(text) if text else None
    except ValueError:
        return None
