"""LeadLex's fuzzy matching of a contact or company name within a workspace (LL-OPEN-FUZZY-MATCHING).

Names are compared without case or accents, punctuation as spaces; a name matches when the query's
words are prefixes of its words, in order; if no name matches so, names at least 85 % similar
(difflib) do; a query over 200 characters matches nothing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping

__all__ = ["fuzzy_matches"]

MAX_NAME_QUERY = 200
FUZZY_SIMILARITY = 0.85


def _words(text: str) -> list[str]:
    """Lower-case words without accents: ``Hans Müller-Lüdenscheid`` -> hans, muller, ludenscheid."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.findall(r"[^\W_]+", plain.casefold())


def _words_are_prefixes(query: list[str], name: list[str]) -> bool:
    position = 0
    for word in query:
        while position < len(name) and not name[position].startswith(word):
            position += 1
        if position == len(name):
            return False
        position += 1
    return bool(query)


def fuzzy_matches(query: str, names: Mapping[str, str]) -> list[str]:
    """The ids whose name the query matches, sorted."""
    if len(query) > MAX_NAME_QUERY:
        return []
    words = _words(query)
    if not words:
        return []
    named = {record: _words(name) for record, name in names.items()}
    found = [record for record, name in named.items() if _words_are_prefixes(words, name)]
    if not found:
        joined = " ".join(words)
        found = [
            record
            for record, name in named.items()
            if difflib.SequenceMatcher(None, joined, " ".join(name)).ratio() >= FUZZY_SIMILARITY
        ]
    return sorted(found)
