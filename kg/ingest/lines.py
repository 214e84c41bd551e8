"""Lines one at a time: what the streamed readers take, from a whole text or from a file (kg.ingest.stream_lines)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def lines_of(text: str | Iterable[str]) -> Iterable[str]:
    """The lines of *text*, each ending "\\n" (the last one as the text ends); an iterable of lines passes through.

    Lines end at "\\n" only, as in every reader (a U+2028 or a lone "\\r" is no line break).
    """
    return _split(text) if isinstance(text, str) else text


def _split(text: str) -> Iterator[str]:
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            if start < len(text):
                yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1
