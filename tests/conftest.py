"""Shared fixtures: one spaCy model per test session, and a way to parse a text."""

from __future__ import annotations

from pathlib import Path

import pytest

from gossamer.model import Analysis, Document
from gossamer.nlp import Parsed, load_model, parse

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLE = SHARED / "examples" / "spiders-web-opinion.txt"


@pytest.fixture(scope="session")
def nlp():
    return load_model()


@pytest.fixture(scope="session")
def make(nlp):
    """make(text, published=None) -> (Analysis, Parsed), with no stage run yet."""

    def _make(text: str, published: str | None = None, **meta) -> tuple[Analysis, Parsed]:
        doc = Document(text=text, published=published, language="en", **meta)
        return Analysis(document=doc), parse(nlp, text)

    return _make


@pytest.fixture(scope="session")
def example_text() -> str:
    if not EXAMPLE.exists():
        pytest.skip("../shared/examples is absent")
    return EXAMPLE.read_text(encoding="utf-8")
