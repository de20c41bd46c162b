"""Full-text search on PostgreSQL with the SQLite search's meaning.

The services write searches as FTS5 queries (``"word" AND "prefix"*``, or ``"a" OR "b"``: see
``bot.services.picker.fts_query``). :func:`tsquery` turns one into a ``tsquery`` text for
``to_tsquery('banter', ...)``: the same words, each stemmed by the same Snowball English stemmer,
the same AND or OR, and a trailing ``*`` as a prefix match (``:*``). Accents are folded here and in
:func:`fold` (applied to every text before it is indexed), as SQLite's ``remove_diacritics`` does.
"""

from __future__ import annotations

import re
import unicodedata

_PART = re.compile(r'"((?:[^"]|"")*)"(\*?)|\b(AND|OR|NOT)\b')


def fold(text: str) -> str:
    """``text`` with its accents taken off (é to e), the rest as it was."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tsquery(fts5: str) -> str:
    """An FTS5 query of quoted words as PostgreSQL ``tsquery`` text (see the module)."""
    out: list[str] = []
    for match in _PART.finditer(fts5):
        word, star, operator = match.groups()
        if operator is not None:
            out.append({"AND": "&", "OR": "|", "NOT": "& !"}[operator])
            continue
        words = re.findall(r"\w+", fold(word.replace('""', '"')).lower())
        if not words:
            continue
        if out and out[-1] not in ("&", "|", "& !"):
            out.append("&")  # FTS5 reads words side by side as AND
        terms = [f"'{w}'" for w in words]
        if star:
            terms[-1] += ":*"
        out.append(terms[0] if len(terms) == 1 else "(" + " <-> ".join(terms) + ")")
    while out and out[-1] in ("&", "|", "& !"):
        out.pop()
    return " ".join(out)
