from uuid import uuid4

import pytest

from notifications.domain.unsubscribe import InvalidUnsubscribeToken, sign, verify

SECRET = "test secret"


def test_a_signed_token_gives_back_the_member_and_the_category() -> None:
    member = uuid4()
    for category in ("account", "matching", "conferences"):
        token = sign(member, category, SECRET)  # type: ignore[arg-type]
        assert verify(token, SECRET) == (member, category)
        assert verify(token, SECRET.encode()) == (member, category)


def test_a_token_is_url_safe() -> None:
    token = sign(uuid4(), "matching", SECRET)
    assert all(c.isalnum() or c in "-_." for c in token)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: sign(uuid4(), "matching", SECRET).split(".")[0] + "." + t.split(".")[1],  # another member
        lambda t: t.replace(".", ""),  # no separator
        lambda t: "not a token",
        lambda t: "%%%.###",  # not base64
        lambda t: "",
    ],
)
def test_a_changed_or_made_up_token_is_refused(tamper: object) -> None:
    token = sign(uuid4(), "matching", SECRET)
    with pytest.raises(InvalidUnsubscribeToken):
        verify(tamper(token), SECRET)  # type: ignore[operator]


def test_a_token_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(InvalidUnsubscribeToken):
        verify(sign(uuid4(), "account", "another secret"), SECRET)


def test_only_known_categories_are_signed() -> None:
    with pytest.raises(ValueError, match="unknown category"):
        sign(uuid4(), "diagnoses", SECRET)  # type: ignore[arg-type]
