"""E-mail templates (Jinja2) read from the package: `templates/<locale>/<template>.<part>.j2`.

Each template has four parts: `subject` and `preview` (one line each, no markup), `txt` and `html`.
HTML is autoescaped (any `*.html.j2`); the other parts are plain text. An unknown variable is an error,
so a template that drifts from its context fails in tests rather than in someone's mailbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from notifications.domain.email_message import RenderedEmail
from notifications.domain.locales import pick_locale

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
PARTS = ("subject", "preview", "txt", "html")


class Templates:
    def __init__(self, directory: Path = TEMPLATE_DIR) -> None:
        self.environment = Environment(
            loader=FileSystemLoader(directory),
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, template: str, locale: str, context: Mapping[str, Any]) -> RenderedEmail:
        """The four parts of `template` in the member's language (English when it has no translation)."""
        language = pick_locale(locale)
        subject = _one_line(self._part(template, language, "subject", context))
        preview = _one_line(self._part(template, language, "preview", context))
        full = {**context, "subject": subject, "preview": preview}
        return RenderedEmail(
            subject=subject,
            preview=preview,
            text=_tidy(self._part(template, language, "txt", full)),
            html=self._part(template, language, "html", full),
        )

    def _part(self, template: str, language: str, part: str, context: Mapping[str, Any]) -> str:
        return self.environment.get_template(f"{language}/{template}.{part}.j2").render(context)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tidy(text: str) -> str:
    """Collapse the blank lines that template blocks leave behind."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"
