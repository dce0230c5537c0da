"""The raw JSON of an event, readable in the page: pretty-printed, one foldable section per top-level
key, bounded for huge events (the download keeps everything). The template escapes the text."""

from dataclasses import dataclass
from itertools import islice

import orjson

SECTION_CHARS = 100_000  # characters of one section shown; the rest only in the download
PAGE_CHARS = 1_000_000  # characters of all sections shown
MAX_SECTIONS = 200  # top-level keys shown
OPEN_LINES = 30  # sections this short are unfolded


@dataclass(frozen=True)
class Section:
    key: str
    text: str  # pretty-printed JSON, cut past SECTION_CHARS
    size: int  # characters of the whole section
    lines: int  # lines of the whole section

    @property
    def cut(self) -> int:
        return self.size - len(self.text)

    @property
    def open(self) -> bool:
        return self.lines <= OPEN_LINES and not self.cut


SCALARS = "top-level values"  # the section of the keys whose values are neither objects nor arrays


def sections(data: dict) -> tuple[list[Section], int]:
    """The event's top-level keys as sections (those with plain values together, first), and how
    many keys were left out (past ``MAX_SECTIONS`` or ``PAGE_CHARS``)."""
    items = list(islice(data.items(), MAX_SECTIONS))
    scalars = {key: value for key, value in items if not isinstance(value, (dict, list))}
    parts = [(SCALARS, scalars)] if scalars else []
    parts += [(key, value) for key, value in items if isinstance(value, (dict, list))]
    shown, budget, keys = [], PAGE_CHARS, 0
    for index, (key, value) in enumerate(parts):
        if budget <= 0:
            break
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
        kept = text[:min(SECTION_CHARS, budget)]
        budget -= len(kept)
        keys += len(value) if index == 0 and scalars else 1
        shown.append(Section(str(key), kept, len(text), text.count("\n") + 1))
    return shown, len(data) - keys
