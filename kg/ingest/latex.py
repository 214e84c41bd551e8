"""Undo the LaTeX that leaks into pasted abstracts (``\\%``, ``\\textbf{x}``, ``$O(n)$``).

:func:`clean_latex` also returns, for every character it keeps, its offset in
the raw text, so a span found in the cleaned text can be traced to the input.
"""

from __future__ import annotations

import re
import unicodedata

# Escaped specials: "\%" -> "%".
_ESCAPE = re.compile(r"\\([%&_#$])")
# Formatting commands whose argument is plain text: "\textbf{x}" -> "x".
_TEXT_COMMAND = re.compile(r"\\(?:textbf|textit|texttt|textrm|textsc|emph|mathrm|mathbf|mathit|text|mbox)\{([^{}]*)\}")
# A few symbols that come out as words in abstracts.
_SYMBOLS = {"\\times": "×", "\\sim": "~", "\\approx": "≈", "\\leq": "≤", "\\geq": "≥", "\\le": "≤", "\\ge": "≥",
            "\\pm": "±", "\\cdot": "·", "\\ell": "ℓ", "\\infty": "∞"}
_SYMBOL = re.compile("|".join(re.escape(s) + r"(?![A-Za-z])" for s in sorted(_SYMBOLS, key=len, reverse=True)))
# Accents: \"o, {\"u}, \'E, \c{c} -> the accented letter (composed with NFC afterwards).
_ACCENT_MARKS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
                 ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328"}
_ACCENT = re.compile(r"\{?\\(?:([\"'`^~=.])\s*|([cvuHk])\s+|([cvuHk])(?=\{))\{?(\\i|[A-Za-z])\}?\}?")
_DOTLESS_I = re.compile(r"\{?\\i\}?(?![A-Za-z])")


def _accented(match: re.Match) -> str:
    mark = _ACCENT_MARKS[match.group(1) or match.group(2) or match.group(3)]
    letter = "i" if match.group(4) == "\\i" else match.group(4)
    return unicodedata.normalize("NFC", letter + mark)


# Inline math delimiters around short expressions: "$O(n^2)$" -> "O(n^2)".
_INLINE_MATH = re.compile(r"(?<!\\)\$([^$\n]{1,200})(?<!\\)\$")


def clean_latex(raw: str, *, strip_braces: bool = False) -> tuple[str, list[int]]:
    """Return the cleaned text and, per cleaned character, its index in *raw*.

    ``strip_braces`` also drops BibTeX case-protection braces (``{BERT}`` -> ``BERT``).
    """
    text, offsets = raw, list(range(len(raw)))
    for pattern, replace in (
        (_ACCENT, _accented),
        (_DOTLESS_I, lambda m: "ı"),
        (_TEXT_COMMAND, lambda m: m.group(1)),
        (_INLINE_MATH, lambda m: m.group(1)),
        (_SYMBOL, lambda m: _SYMBOLS[m.group(0)]),
        (_ESCAPE, lambda m: m.group(1)),
    ):
        text, offsets = _substitute(text, offsets, pattern, replace)
    if strip_braces:
        text, offsets = _substitute(text, offsets, re.compile(r"(?<!\\)[{}]"), lambda m: "")
    return text, offsets


def _substitute(text: str, offsets: list[int], pattern: re.Pattern, replace) -> tuple[str, list[int]]:
    """re.sub that carries the offset map along: new characters map to the start of what they replace."""
    out, out_offsets, last = [], [], 0
    for match in pattern.finditer(text):
        out.append(text[last:match.start()])
        out_offsets.extend(offsets[last:match.start()])
        replacement = replace(match)
        group_start = match.start(1) if match.re.groups and replacement == match.group(1) else None
        out.append(replacement)
        if group_start is not None:
            out_offsets.extend(offsets[group_start:group_start + len(replacement)])
        else:
            out_offsets.extend([offsets[match.start()]] * len(replacement))
        last = match.end()
    out.append(text[last:])
    out_offsets.extend(offsets[last:])
    return "".join(out), out_offsets


def collapse_whitespace(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
