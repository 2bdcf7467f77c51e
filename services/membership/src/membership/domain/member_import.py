"""Members imported by an association admin from a CSV file: parsing and validation, no I/O.

Every row is checked with the same rules as a registration (`Email`, `Profile`), and every problem is
reported with its row (1-based; the header is row 1) and column, so an admin can fix the whole file
at once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from membership.domain.accounts import Email
from membership.domain.memberships import check_roles
from membership.domain.profile import Profile
from shared.contracts.membership import Role

REQUIRED_COLUMNS = ("email", "display_name")
OPTIONAL_COLUMNS = ("locale", "time_zone", "languages", "birth_year", "gender", "kind", "roles")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_ROWS = 5000
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)
_LIST_SEPARATORS = re.compile(r"[\s;,]+")
_PROFILE_CELLS = frozenset({"locale", "time_zone", "birth_year", "gender", "kind"})
_LOWER_CASE_CELLS = frozenset({"locale", "gender", "kind"})


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    message: str


@dataclass(frozen=True)
class ImportedMember:
    row: int
    email: str
    profile: Profile
    roles: list[Role]


@dataclass(frozen=True)
class ParsedFile:
    members: list[ImportedMember]
    errors: list[RowError]


def decode(body: bytes) -> str:
    """The file as text; ValueError unless it is UTF-8 (a byte-order mark, as spreadsheets write it, is fine)."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"the file is not UTF-8 text (byte {error.start}); export it as 'CSV UTF-8'") from error


def parse_members(text: str, *, default_locale: str, default_time_zone: str) -> ParsedFile:
    """Members read from `text`; empty optional cells take the association's locale and time zone."""
    if (nul := text.find("\x00")) >= 0:
        line = text.count("\n", 0, nul) + 1
        return ParsedFile([], [RowError(line, None, "the file holds a NUL character; export it as 'CSV UTF-8'")])
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        # Spreadsheets end files with empty rows (",,,"); they are skipped but still counted.
        records = [(number, cells) for number, cells in enumerate(reader, start=1) if any(c.strip() for c in cells)]
    except csv.Error as error:
        return ParsedFile([], [RowError(reader.line_num, None, f"the file is not valid CSV: {error}")])
    if not records or records[0][0] != 1:
        return ParsedFile([], [RowError(1, None, f"the first line must name the columns: {', '.join(COLUMNS)}")])
    header = [name.strip().lower() for name in records[0][1]]
    if errors := header_errors(header):
        return ParsedFile([], errors)
    rows = records[1:]
    if not rows:
        return ParsedFile([], [RowError(2, None, "the file has a header but no members")])
    if len(rows) > MAX_ROWS:
        return ParsedFile([], [RowError(MAX_ROWS + 2, None, f"import at most {MAX_ROWS} members per file")])
    defaults = {"locale": default_locale, "time_zone": default_time_zone}
    return _validate_rows(header, rows, defaults)


def header_errors(header: list[str]) -> list[RowError]:
    if len(header) == 1 and ";" in header[0]:
        return [RowError(1, None, "separate columns with commas, not semicolons")]
    errors = [
        RowError(1, name, f"unknown column; the columns are {', '.join(COLUMNS)}")
        for name in header
        if name not in COLUMNS
    ]
    errors += [
        RowError(1, name, "this column is listed twice") for name in sorted(set(header)) if header.count(name) > 1
    ]
    errors += [RowError(1, name, "this column is required") for name in REQUIRED_COLUMNS if name not in header]
    return errors


def _validate_rows(header: list[str], rows: list[tuple[int, list[str]]], defaults: dict[str, str]) -> ParsedFile:
    members: list[ImportedMember] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    for number, cells in rows:
        if len(cells) != len(header):
            errors.append(RowError(number, None, f"this row has {len(cells)} cells; the header has {len(header)}"))
            continue
        member, row_errors = _validate_row(number, dict(zip(header, cells, strict=True)), defaults)
        errors += row_errors
        if member is None:
            continue
        if (first := first_row_of.setdefault(member.email, number)) != number:
            errors.append(RowError(number, "email", f"{member.email} is already on row {first}"))
            continue
        members.append(member)
    return ParsedFile(members, errors)


def _validate_row(
    number: int, cells: dict[str, str], defaults: dict[str, str]
) -> tuple[ImportedMember | None, list[RowError]]:
    errors: list[RowError] = []
    email = _email(number, cells.get("email", ""), errors)
    values: dict[str, Any] = {**defaults, "display_name": cells.get("display_name", "")}
    values |= {name: _cell(name, cell) for name, cell in cells.items() if name in _PROFILE_CELLS and cell.strip()}
    if languages := cells.get("languages", "").strip():
        values["languages"] = [code for code in _LIST_SEPARATORS.split(languages) if code]
    profile = _profile(number, values, errors)
    roles = _roles(number, cells.get("roles", ""), errors)
    if email is None or profile is None or roles is None:
        return None, errors
    return ImportedMember(row=number, email=email, profile=profile, roles=roles), errors


def _cell(name: str, cell: str) -> str:
    return cell.strip().lower() if name in _LOWER_CASE_CELLS else cell.strip()


def _email(number: int, cell: str, errors: list[RowError]) -> str | None:
    if not cell.strip():
        errors.append(RowError(number, "email", "an e-mail address is required"))
        return None
    try:
        return _EMAIL.validate_python(cell)
    except ValidationError as error:
        errors.append(RowError(number, "email", _message(error.errors()[0])))
        return None


def _profile(number: int, values: dict[str, Any], errors: list[RowError]) -> Profile | None:
    try:
        return Profile.model_validate(values)
    except ValidationError as error:
        errors += [RowError(number, str(e["loc"][0]) if e["loc"] else None, _message(e)) for e in error.errors()]
        return None


def _roles(number: int, cell: str, errors: list[RowError]) -> list[Role] | None:
    given = {role.lower() for role in _LIST_SEPARATORS.split(cell) if role} | {"member"}
    try:
        return check_roles(sorted(given))
    except ValueError as error:
        errors.append(RowError(number, "roles", str(error)))
        return None


def _message(error: Any) -> str:
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def describe(errors: list[RowError]) -> str:
    """One sentence for the whole list: what to fix before sending the file again."""
    if any(error.row == 1 for error in errors):
        return (
            f"fix the header line (the columns are {', '.join(COLUMNS)}) and send the file again; nothing was imported"
        )
    rows = sorted({error.row for error in errors})
    listed = ", ".join(map(str, rows[:20])) + ("…" if len(rows) > 20 else "")
    return (
        f"{len(rows)} row(s) have errors (rows {listed}); fix them and send the whole file again. Nothing was imported"
    )
