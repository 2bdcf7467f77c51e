"""A member's inbox over HTTP: newest first, page by page, read marks and the unread count; only their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from .conftest import Api, Member

T0 = datetime(2030, 1, 8, 18, 0, tzinfo=UTC)


async def _five_entries(api: Api, member: Member) -> list[UUID]:
    """Five entries a minute apart, oldest first."""
    return [await api.entry(member, title=f"entry {i}", created_at=T0 + timedelta(minutes=i)) for i in range(5)]


async def test_the_inbox_pages_newest_first(api: Api) -> None:
    member = api.member()
    ids = await _five_entries(api, member)
    await api.entry(api.member())  # someone else's

    first = (await api.client.get("/me/inbox", params={"limit": 2}, headers=member.headers)).json()
    second = (
        await api.client.get("/me/inbox", params={"limit": 2, "before": first["next_before"]}, headers=member.headers)
    ).json()
    last = (
        await api.client.get("/me/inbox", params={"limit": 2, "before": second["next_before"]}, headers=member.headers)
    ).json()

    pages = [first, second, last]
    assert [[UUID(entry["entry_id"]) for entry in page["entries"]] for page in pages] == [
        [ids[4], ids[3]],
        [ids[2], ids[1]],
        [ids[0]],
    ]
    assert last["next_before"] is None
    newest = first["entries"][0]
    assert newest == {
        "entry_id": str(ids[4]),
        "category": "matching",
        "template": "match_proposed",
        "title": "entry 4",
        "body": "Open it to answer.",
        "link": "http://web/proposals/1",
        "created_at": newest["created_at"],
        "read": False,
        "read_at": None,
    }
    assert datetime.fromisoformat(newest["created_at"]) == T0 + timedelta(minutes=4)


async def test_a_page_that_fills_exactly_is_the_last(api: Api) -> None:
    member = api.member()
    await _five_entries(api, member)

    page = (await api.client.get("/me/inbox", params={"limit": 5}, headers=member.headers)).json()

    assert len(page["entries"]) == 5 and page["next_before"] is None


async def test_paging_needs_an_entry_of_ones_own_and_a_sensible_limit(api: Api) -> None:
    member, other = api.member(), api.member()
    others_entry = await api.entry(other)

    foreign = await api.client.get("/me/inbox", params={"before": str(others_entry)}, headers=member.headers)
    too_many = await api.client.get("/me/inbox", params={"limit": 1000}, headers=member.headers)
    empty = await api.client.get("/me/inbox", headers=member.headers)

    assert foreign.status_code == 400 and "before" in foreign.json()["detail"]
    assert too_many.status_code == 400 and "limit" in too_many.text
    assert empty.status_code == 200 and empty.json() == {"entries": [], "next_before": None}


async def test_marking_read_counts_down_the_unread(api: Api) -> None:
    member = api.member()
    ids = await _five_entries(api, member)
    await api.entry(member, read=True)

    before = (await api.client.get("/me/inbox/unread-count", headers=member.headers)).json()
    marked = await api.client.post(f"/me/inbox/{ids[1]}/read", headers=member.headers)
    again = await api.client.post(f"/me/inbox/{ids[1]}/read", headers=member.headers)
    after = (await api.client.get("/me/inbox/unread-count", headers=member.headers)).json()

    assert before == {"unread_count": 5}
    assert marked.status_code == 200 and marked.json()["read"] is True and marked.json()["entry_id"] == str(ids[1])
    assert again.json()["read_at"] == marked.json()["read_at"]  # the first read time stays
    assert after == {"unread_count": 4}


async def test_read_all_marks_only_ones_own_inbox(api: Api) -> None:
    member, other = api.member(), api.member()
    await _five_entries(api, member)
    await api.entry(other)

    response = await api.client.post("/me/inbox/read-all", headers=member.headers)

    assert response.status_code == 200 and response.json() == {"marked": 5, "unread_count": 0}
    listed = (await api.client.get("/me/inbox", headers=member.headers)).json()["entries"]
    assert all(entry["read"] for entry in listed)
    assert (await api.client.get("/me/inbox/unread-count", headers=other.headers)).json() == {"unread_count": 1}


async def test_another_members_entry_is_not_found(api: Api) -> None:
    member, other = api.member(), api.member()
    others_entry = await api.entry(other)

    response = await api.client.post(f"/me/inbox/{others_entry}/read", headers=member.headers)
    unknown = await api.client.post(f"/me/inbox/{uuid4()}/read", headers=member.headers)

    assert response.status_code == 404 and unknown.status_code == 404
    assert "no entry" in response.json()["detail"]
    assert (await api.client.get("/me/inbox/unread-count", headers=other.headers)).json() == {"unread_count": 1}


async def test_the_rendered_context_never_leaves(api: Api) -> None:
    member = api.member()
    await api.entry(member)

    response = await api.client.get("/me/inbox", headers=member.headers)

    assert "Grace Private" not in response.text and "grace@example.org" not in response.text
