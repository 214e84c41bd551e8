"""The one text-sanitising policy of ingest: what JSON, XML and spaCy can not carry never enters a Paper.

Every text field a reader hands over (title, abstract, author, venue, url, a given id) passes through
:func:`sanitise_text` once, in :mod:`kg.ingest.records`, before LaTeX cleaning and before the Paper exists,
so mention offsets (which index ``Paper.text``) are consistent by construction.

The policy:

- lone surrogates (U+D800-U+DFFF; they arrive as ``"\\ud800"`` escapes in JSON) and Unicode noncharacters
  (U+FDD0-U+FDEF and the last two code points of every plane, U+FFFE, U+FFFF, U+1FFFE, ...) become
  U+FFFD REPLACEMENT CHARACTER: they can not be encoded as UTF-8 (surrogates) or are not allowed in XML
  (U+FFFE, U+FFFF), and the replacement keeps a visible trace that something was there;
- C0 control characters other than tab, line feed and carriage return, and DEL, are removed (XML 1.0 forbids
  them; tab and newlines are whitespace that the readers collapse anyway).

:func:`finite_number` is the same policy for numbers: infinities and NaN (``1e309`` in JSON) are not values.
"""

from __future__ import annotations

import math
import re
from typing import Any

REPLACEMENT = "\ufffd"

# Lone surrogates and noncharacters: not encodable as UTF-8, or not allowed in XML 1.0.
_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
_REPLACE = re.compile(f"[\ud800-\udfff\ufdd0-\ufdef{re.escape(_NONCHARACTERS)}]")
# C0 controls except \t \n \r, and DEL.
_REMOVE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sanitise_text(text: str) -> str:
    """*text* with what JSON, XML and UTF-8 can not carry replaced (U+FFFD) or removed (control characters)."""
    return _REMOVE.sub("", _REPLACE.sub(REPLACEMENT, text))


def is_clean(text: str) -> bool:
    """True when :func:`sanitise_text` would leave *text* unchanged."""
    return _REPLACE.search(text) is None and _REMOVE.search(text) is None


def finite_number(value: Any) -> bool:
    """False for float infinities and NaN, which strict JSON (and so records and graph.json) can not hold."""
    return not isinstance(value, float) or math.isfinite(value)
