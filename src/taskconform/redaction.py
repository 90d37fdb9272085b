"""One writer for secrets: every byte the suite prints or stores passes through a ``Redactor``.

Keys may travel in a header, a Bearer token or a query string, so the redactor replaces the raw
value and its URL-encoded spellings wherever they occur, and renders shell reproductions with a
``$ENV_VAR`` reference instead of the value.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "Redactor"]

MASK = "***"


class Redactor:
    def __init__(self, secrets: Mapping[str, str] | None = None) -> None:
        self._env_by_secret: dict[str, str] = {}
        for value, env_name in (secrets or {}).items():
            self.add(value, env_name)

    def add(self, value: str, env_name: str) -> None:
        if not value:
            return
        for spelling in {value, quote(value, safe=""), quote_plus(value)}:
            self._env_by_secret[spelling] = env_name

    def _spellings(self) -> list[tuple[str, str]]:
        return sorted(self._env_by_secret.items(), key=lambda item: -len(item[0]))

    def redact(self, text: str) -> str:
        for value, _ in self._spellings():
            text = text.replace(value, MASK)
        return text

    def shell_word(self, text: str) -> str:
        """Quote ``text`` for a POSIX shell, with each secret replaced by a ``"${ENV}"`` expansion."""
        references: dict[str, str] = {}
        for index, (value, env_name) in enumerate(self._spellings()):
            placeholder = f"\x00{index}\x00"
            if value in text:
                text = text.replace(value, placeholder)
                references[placeholder] = env_name
        quoted = shlex.quote(text)
        for placeholder, env_name in references.items():
            quoted = quoted.replace(placeholder, "'\"${" + env_name + "}\"'")
        return quoted

    def __contains__(self, text: str) -> bool:
        return any(value in text for value in self._env_by_secret)
