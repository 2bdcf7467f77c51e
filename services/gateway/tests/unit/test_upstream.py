"""The query string the gateway sends upstream: a list repeats its name (community's `condition` filter)."""

from __future__ import annotations

from gateway.adapters.upstream import _query


def test_a_list_value_repeats_its_name_and_none_is_left_out() -> None:
    assert _query({"condition": ["G43", "M79.7"], "q": "sleep", "topic": None}) == [
        ("condition", "G43"),
        ("condition", "M79.7"),
        ("q", "sleep"),
    ]
    assert _query([("locale", "fr")]) == [("locale", "fr")]
    assert _query({}) is None
