"""Language identification, cheap first.

Most input is English, and a count of English function words settles it in microseconds.
Only texts that fail that test go to lingua (loaded on first need, restricted to the
languages conflict reporting is mostly written in, to keep memory small).
"""

from __future__ import annotations

import functools
import re
from typing import Any

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on with as was by it at from are be this have has had "
    "not but or an which were been their its they said will would who after over more".split()
)
SAMPLE_CHARS = 3000


@functools.lru_cache(maxsize=1)
def _lingua() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.ENGLISH, Language.ARABIC, Language.PERSIAN, Language.FRENCH, Language.GERMAN,
        Language.SPANISH, Language.RUSSIAN, Language.TURKISH, Language.CHINESE, Language.ITALIAN,
        Language.PORTUGUESE, Language.HEBREW, Language.URDU, Language.DUTCH, Language.UKRAINIAN,
    ]  # fmt: skip
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def english_share(text: str) -> float:
    words = _WORD.findall(text[:SAMPLE_CHARS].lower())
    if not words:
        return 0.0
    return sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or "und" when it cannot be told."""
    sample = text[:SAMPLE_CHARS]
    if english_share(sample) >= 0.2:
        return "en"
    if not _WORD.search(sample):
        return "und"
    found = _lingua().detect_language_of(sample)
    if found is None:
        return "und"
    return found.iso_code_639_1.name.lower()
