"""CSV import validation without I/O: every problem located by row and column, the profile rules reused."""

from __future__ import annotations

import pytest

from membership.domain.member_import import (
    COLUMNS,
    MAX_ROWS,
    RowError,
    check_roles,
    decode,
    describe,
    parse_members,
)

HEADER = "email,display_name,locale,time_zone,languages,birth_year,gender,kind,roles"


def parse(*lines: str) -> tuple[list[str], list[tuple[int, str | None]]]:
    parsed = parse_members("\n".join(lines), default_locale="en", default_time_zone="Europe/London")
    return [m.email for m in parsed.members], [(e.row, e.column) for e in parsed.errors]


def test_a_valid_file_gives_profiles_with_defaults_from_the_association() -> None:
    parsed = parse_members(
        "\ufeffEmail , Display_Name,languages,kind,roles\r\n"
        'Amina@Example.org,"Diallo, Amina","fr; en",Caregiver,mentor;admin\r\n'
        "\r\n"
        "lucas@example.org,Lucas,,,\r\n"
        ",,,,\r\n",
        default_locale="fr",
        default_time_zone="Europe/Paris",
    )

    assert parsed.errors == []
    amina, lucas = parsed.members
    assert (amina.row, amina.email, amina.profile.display_name) == (2, "amina@example.org", "Diallo, Amina")
    assert amina.profile.languages == ["fr", "en"] and amina.profile.is_caregiver
    assert amina.roles == ["member", "mentor", "admin"]
    assert lucas.row == 4  # the blank line still counts, as in a spreadsheet
    assert (lucas.profile.locale, lucas.profile.time_zone, lucas.profile.kind) == ("fr", "Europe/Paris", "patient")
    assert lucas.roles == ["member"]


def test_every_bad_cell_is_reported_with_its_row_and_column() -> None:
    emails, errors = parse(
        HEADER,
        "ok@example.org,Okay,,,,,,,",
        "nope,,xx,Nowhere/City,klingon,12,robot,alien,owner",
        "short@example.org,Short,en,UTC,en",
    )

    assert emails == ["ok@example.org"]
    assert errors == [
        (3, "email"),
        (3, "display_name"),
        (3, "locale"),
        (3, "time_zone"),
        (3, "languages"),
        (3, "birth_year"),
        (3, "gender"),
        (3, "kind"),
        (3, "roles"),
        (4, None),
    ]


def test_messages_say_what_to_fix() -> None:
    parsed = parse_members(f"{HEADER}\na@example.org,A,,Paris,,,,,\n", default_locale="en", default_time_zone="UTC")

    [error] = parsed.errors
    assert error == RowError(2, "time_zone", "'Paris' is not an IANA time zone; use a name such as 'Europe/Paris'")


def test_an_address_repeated_in_the_file_points_at_its_first_row() -> None:
    parsed = parse_members(
        "email,display_name\na@example.org,A\nb@example.org,B\nA@EXAMPLE.ORG,A again\n",
        default_locale="en",
        default_time_zone="UTC",
    )

    assert [m.email for m in parsed.members] == ["a@example.org", "b@example.org"]
    assert parsed.errors == [RowError(4, "email", "a@example.org is already on row 2")]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("email,display_name,phone", [(1, "phone")]),
        ("email,locale", [(1, "display_name")]),
        ("email,display_name,email", [(1, "email")]),
        ("email;display_name", [(1, None)]),
    ],
)
def test_header_problems_are_named_and_stop_there(header: str, expected: list[tuple[int, str | None]]) -> None:
    emails, errors = parse(header, "a@example.org,A,x")
    assert emails == []
    assert errors == expected


def test_empty_files_and_files_without_members_are_refused() -> None:
    assert parse("") == ([], [(1, None)])
    assert parse("email,display_name") == ([], [(2, None)])
    assert parse("", "email,display_name", "a@example.org,A") == ([], [(1, None)])


def test_a_file_has_at_most_max_rows_members() -> None:
    rows = [f"p{i}@example.org,P" for i in range(MAX_ROWS + 1)]
    emails, errors = parse("email,display_name", *rows)
    assert emails == [] and errors == [(MAX_ROWS + 2, None)]


def test_broken_csv_is_reported_not_raised() -> None:
    emails, errors = parse("email,display_name", "a@example.org,A", 'b@example.org,"' + "x" * 200_000 + '"')
    assert emails == [] and errors == [(3, None)]


def test_a_nul_character_is_reported_with_its_line() -> None:
    assert parse("email,display_name", "a@example.org,A", "b@example.org,B\x00") == ([], [(3, None)])


def test_only_utf8_is_read() -> None:
    assert decode("\ufeffemail".encode()) == "email"
    with pytest.raises(ValueError, match="UTF-8"):
        decode("Amïna".encode("latin-1"))


def test_roles_always_include_member_in_a_fixed_order() -> None:
    assert check_roles(["admin", "member", "mentor"]) == ["member", "mentor", "admin"]
    for bad, problem in ((["mentor"], "'member'"), (["member", "owner"], "owner"), (["member", "member"], "once")):
        with pytest.raises(ValueError, match=problem):
            check_roles(bad)


def test_the_summary_tells_header_problems_from_row_problems() -> None:
    assert "header" in describe([RowError(1, "phone", "unknown column")])
    assert ", ".join(COLUMNS) in describe([RowError(1, "phone", "unknown column")])
    assert "2 row(s) have errors (rows 3, 5)" in describe(
        [RowError(3, "email", "x"), RowError(5, None, "y"), RowError(5, "kind", "z")]
    )
