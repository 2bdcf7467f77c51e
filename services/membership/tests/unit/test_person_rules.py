"""Rules about a person's own data, without I/O: availability windows, ICD-10 codes and search, profile fields."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from pydantic import TypeAdapter, ValidationError

from membership.domain.availability import MAX_WINDOWS, Window, WindowList
from membership.domain.conditions import ConditionInfo, ConditionList, MemberCondition, normalise_code, search
from membership.domain.profile import Profile, ProfileUpdate
from membership.service_layer.health_data import condition, search_conditions
from membership.service_layer.profile import check_diagnosed_after_birth
from shared.errors import InvalidInput, NotFound

windows = TypeAdapter(WindowList)
conditions = TypeAdapter(ConditionList)
THIS_YEAR = datetime.now(UTC).year


def window(weekday: int, start: str, end: str) -> dict[str, object]:
    return {"weekday": weekday, "start": start, "end": end}


# Availability


def test_windows_come_back_ordered_and_end_at_midnight_as_00_00() -> None:
    checked = windows.validate_python([window(2, "22:00", "00:00"), window(0, "18:00", "20:00")])
    assert [(w.weekday, w.start_minute, w.end_minute) for w in checked] == [(0, 1080, 1200), (2, 1320, 1440)]


def test_adjacent_windows_and_the_same_hours_on_other_days_are_fine() -> None:
    checked = windows.validate_python(
        [window(0, "18:00", "19:00"), window(0, "19:00", "20:00"), window(1, "18:00", "20:00")]
    )
    assert len(checked) == 3


def test_overlapping_windows_on_one_day_are_refused_naming_them() -> None:
    with pytest.raises(ValidationError, match="overlap on Monday: 18:00-20:00 and 19:30-21:00"):
        windows.validate_python([window(0, "19:30", "21:00"), window(0, "18:00", "20:00")])


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        ("18:00", "18:15", "at least 30 minutes"),
        ("20:00", "18:00", "at least 30 minutes"),
        ("18:00:30", "20:00", "to the minute"),
        ("18:00+02:00", "20:00+02:00", "without an offset"),
    ],
)
def test_a_window_must_be_whole_minutes_local_and_at_least_half_an_hour(start: str, end: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        Window.model_validate(window(0, start, end))


@pytest.mark.parametrize("weekday", [-1, 7])
def test_weekdays_run_from_monday_0_to_sunday_6(weekday: int) -> None:
    with pytest.raises(ValidationError):
        Window.model_validate(window(weekday, "18:00", "20:00"))


def test_at_most_28_windows() -> None:
    many = [window(day, f"{hour:02}:00", f"{hour:02}:30") for day in range(7) for hour in range(5)]
    with pytest.raises(ValidationError, match=f"at most {MAX_WINDOWS}"):
        windows.validate_python(many)


def test_a_stored_window_reads_back_from_minutes() -> None:
    assert Window.from_minutes(6, 1320, 1440) == Window(weekday=6, start=time(22), end=time(0))


# ICD-10


@pytest.mark.parametrize(("given", "code"), [("g431", "G43.1"), (" G43.1 ", "G43.1"), ("g43", "G43")])
def test_codes_are_normalised(given: str, code: str) -> None:
    assert normalise_code(given) == code


@pytest.mark.parametrize("given", ["VI", "G40-G47", "G43.77", "XYZ", ""])
def test_only_categories_and_subcategories_can_be_recorded(given: str) -> None:
    with pytest.raises(ValueError, match="not an ICD-10 category or subcategory"):
        normalise_code(given)


def test_a_condition_list_refuses_repeats_and_comes_back_sorted() -> None:
    with pytest.raises(ValidationError, match=r"repeated: G43\.1"):
        conditions.validate_python(
            [{"code": "G43.1", "diagnosed_year": 2015}, {"code": "g431", "diagnosed_year": 2016}]
        )
    listed = conditions.validate_python(
        [{"code": "M79.7", "diagnosed_year": 2015}, {"code": "G43", "diagnosed_year": 2010}]
    )
    assert [c.code for c in listed] == ["G43", "M79.7"]


@pytest.mark.parametrize("year", [1899, THIS_YEAR + 1])
def test_the_diagnosis_year_is_plausible(year: int) -> None:
    with pytest.raises(ValidationError, match="year of diagnosis"):
        MemberCondition(code="G43", diagnosed_year=year)


def test_search_by_code_prefix_lists_the_category_before_its_subcategories() -> None:
    assert [c.code for c in search("G43", limit=3)] == ["G43", "G43.0", "G43.1"]
    assert [c.code for c in search("g431")] == ["G43.1"]


def test_search_by_words_is_case_and_accent_insensitive_and_matches_word_prefixes() -> None:
    assert [c.code for c in search("MIGRAINE without aura")] == ["G43.0"]
    assert "G43" in [c.code for c in search("migr")]
    assert [c.code for c in search("meniere")] == [c.code for c in search("Ménière")] == ["H81.0"]


def test_a_condition_is_shown_in_its_place_in_the_classification() -> None:
    assert ConditionInfo.of("G43.1") == ConditionInfo(
        code="G43.1",
        description="Migraine with aura [classical migraine]",
        chapter="VI",
        block="G40-G47",
        category="G43",
    )


@pytest.mark.parametrize(
    ("query", "limit"), [("", 20), ("   ", 20), ("x" * 101, 20), ("migraine", 0), ("migraine", 51)]
)
def test_a_search_needs_a_short_query_and_a_sane_limit(query: str, limit: int) -> None:
    with pytest.raises(InvalidInput):
        search_conditions(query, limit)


def test_looking_up_a_block_or_an_unknown_code_is_not_found() -> None:
    assert condition("g431").code == "G43.1"
    for code in ("G40-G47", "Q99.99"):
        with pytest.raises(NotFound):
            condition(code)


def test_no_diagnosis_before_birth() -> None:
    held = [MemberCondition(code="G43", diagnosed_year=1990), MemberCondition(code="M79.7", diagnosed_year=2010)]
    check_diagnosed_after_birth(held, None)
    check_diagnosed_after_birth(held, 1990)
    with pytest.raises(InvalidInput, match=r"birth year 1995: G43 \(1990\)"):
        check_diagnosed_after_birth(held, 1995)


# Profile


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("time_zone", "Europe/Atlantis", "not an IANA time zone"),
        ("time_zone", "CET+1", "not an IANA time zone"),
        ("languages", ["xx"], "not an ISO 639-1 language code"),
        ("languages", ["fr", "FR"], "list each language once"),
        ("locale", "de", "'en' or 'fr'"),
        ("birth_year", THIS_YEAR + 1, "birth year must be between"),
        ("birth_year", THIS_YEAR - 121, "birth year must be between"),
        ("gender", "unknown", "female"),
        ("kind", "doctor", "patient"),
        ("display_name", "   ", "at least 1 character"),
    ],
)
def test_profile_fields_are_checked(field: str, value: object, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        Profile.model_validate({"display_name": "Amina", field: value})


def test_languages_are_lower_cased_codes() -> None:
    assert Profile(display_name="Amina", languages=["FR", "en"]).languages == ["fr", "en"]


def test_an_update_changes_only_what_it_names_and_may_clear_birth_year_and_gender() -> None:
    profile = Profile(display_name="Amina", time_zone="Europe/Paris", birth_year=1980, gender="female")
    updated = ProfileUpdate.model_validate({"locale": "fr", "birth_year": None, "gender": None}).applied_to(profile)
    assert updated == Profile(display_name="Amina", locale="fr", time_zone="Europe/Paris")


@pytest.mark.parametrize("field", ["display_name", "locale", "time_zone", "languages", "kind"])
def test_an_update_cannot_null_a_required_field(field: str) -> None:
    with pytest.raises(ValidationError, match=f"{field} cannot be null"):
        ProfileUpdate.model_validate({field: None})
