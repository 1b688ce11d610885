"""Grading a claim on the Admiralty code: reliability of the source (A-F) and credibility of the
information (1-6), each with the reasons that set it.

The scale is NATO STANAG 2511 / AJP-2.1 and US Army FM 2-22.3 Appendix B, read in general
terms: the letter says how far the *source* can be trusted on its track record, the digit how
far the *information* can be believed, and the two are judged apart. gossamer holds no track
record of anyone, so:

- reliability is the letter a user set in the outlet registry (``gossamer/data/outlets.yaml``,
  empty as shipped, plus ``$GOSSAMER_OUTLETS`` or ``~/.config/gossamer/outlets.yaml``) when an
  entry names the source, and F ("cannot be judged") otherwise: for every source type alike. An
  unnamed source is F whatever the registry holds (no entry can name it);
- credibility within one document follows what the text discloses about the information: a
  factual claim traced to one identifiable source (a named person, official, organisation,
  document, outlet, or a writer the document names) is "possibly true, not confirmed" (3); one
  whose origin is not disclosed (an unnamed source, a writer the document does not name) cannot
  be judged (6); an opinion, question, hypothesis or prediction is not information another report
  could confirm (6); heavy hedging in the text makes it doubtful (4); contradiction by another
  source in the same document makes it doubtful (4) or improbable (5, more than once).

So the grade measures how *verifiable* the sourcing is, never whose side a source is on: the
rules read only the source's type, the registry a user wrote, and the text. Every factor that
set or moved a grade is in `reasons`. The corpus step (`gossamer.corpus.claims`) replaces the
credibility with one from independent corroboration across documents and keeps these reasons.
The numbers live in ``claims.yaml`` (section `grading`); the scheme is argued in docs/grading.md.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..model import Document
from ..phrases import key
from .sources import load_data

LETTERS = ("A", "B", "C", "D", "E", "F")
ENV_VAR = "GOSSAMER_OUTLETS"
USER_FILE = Path("~/.config/gossamer/outlets.yaml")
NAMED = frozenset({"named_person", "named_official", "named_organization", "document", "media"})
_TYPE_WORDS = {
    "named_person": "named person",
    "named_official": "named official",
    "named_organization": "named organisation",
    "document": "named document",
    "media": "outlet",
    "anonymous": "unnamed source",
    "author": "the writer",
}


# --------------------------------------------------------------------------- the registry


@dataclass(frozen=True)
class Outlet:
    """One registry entry: a source a user rated, and who rated it and why."""

    name: str
    aliases: tuple[str, ...]
    reliability: str
    source: str
    file: str


class Registry:
    """Registry entries looked up by name key (case, accents and punctuation ignored)."""

    def __init__(self, entries: Iterable[Outlet] = ()) -> None:
        self.entries: list[Outlet] = []
        self._by_key: dict[str, Outlet] = {}
        for e in entries:
            self.add(e)

    def add(self, entry: Outlet) -> None:
        self.entries.append(entry)
        for name in (entry.name, *entry.aliases):
            k = key(name)
            if k:
                self._by_key[k] = entry  # later files win: a user entry replaces a shipped one

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, *names: str | None) -> Outlet | None:
        """The entry for the first name that has one; a leading "the" is ignored."""
        for name in names:
            if not name:
                continue
            k = key(name)
            hit = self._by_key.get(k) or (self._by_key.get(k[3:]) if k.startswith("the") else None)
            if hit is not None:
                return hit
        return None


def parse_registry(data: Any, where: str) -> list[Outlet]:
    """Entries of one registry file; a malformed entry is an error naming the file and entry."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise ValueError(f"{where}: the outlet registry must be a YAML list of entries")  # noqa: TRY004 - bad data
    out = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict) or not item.get("name"):
            raise ValueError(f"{where}: entry {n} has no name")
        letter = str(item.get("reliability", "")).strip().upper()
        if letter not in LETTERS:
            raise ValueError(
                f"{where}: {item['name']}: reliability must be one of A-F, not {item.get('reliability')!r}"
            )
        note = str(item.get("source") or "").strip()
        if not note:
            raise ValueError(f"{where}: {item['name']}: say who set the reliability and why (source)")
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list):
            raise ValueError(f"{where}: {item['name']}: aliases must be a list")  # noqa: TRY004 - bad data
        out.append(Outlet(str(item["name"]), tuple(str(a) for a in aliases), letter, note, where))
    return out


def registry_paths() -> list[Path]:
    """The user's registry file: $GOSSAMER_OUTLETS, else ~/.config/gossamer/outlets.yaml if present."""
    env = os.environ.get(ENV_VAR)
    if env:
        return [Path(env).expanduser()]
    user = USER_FILE.expanduser()
    return [user] if user.is_file() else []


def load_registry() -> Registry:
    """The shipped registry plus the user's file; re-read only when a file changes."""
    stamps = []
    for p in registry_paths():
        try:
            stamps.append((str(p), p.stat().st_mtime_ns))
        except OSError:
            raise FileNotFoundError(f"outlet registry not found: {p} (from ${ENV_VAR})") from None
    return _registry(tuple(stamps))


@functools.lru_cache(maxsize=8)
def _registry(stamps: tuple[tuple[str, int], ...]) -> Registry:
    shipped = resources.files("gossamer.data").joinpath("outlets.yaml").read_text(encoding="utf-8")
    entries = parse_registry(yaml.safe_load(shipped), "gossamer/data/outlets.yaml")
    for path, _ in stamps:
        text = Path(path).read_text(encoding="utf-8")
        entries += parse_registry(yaml.safe_load(text), path)
    return Registry(entries)


# --------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class Rules:
    """claims.yaml `grading`: the scales and the few numbers the rules use."""

    letters: dict[str, str]
    digits: dict[int, str]
    default_letter: str
    identifiable: int
    undisclosed: int
    not_checkable: frozenset[str]
    hedged_below: float
    hedged: int
    contradicted_once: int
    contradicted_more: int
    same_proposition: float
    min_shared: int


@functools.cache
def load_rules() -> Rules:
    g = load_data()["grading"]
    if not g.get("source"):
        raise ValueError("claims.yaml: grading has no source note")
    rel, cred = g["reliability"], g["credibility"]
    rules = Rules(
        letters={str(k): str(v) for k, v in rel["scale"].items()},
        digits={int(k): str(v) for k, v in cred["scale"].items()},
        default_letter=str(rel["default"]),
        identifiable=int(cred["identifiable"]),
        undisclosed=int(cred["undisclosed"]),
        not_checkable=frozenset(cred["not_checkable"]),
        hedged_below=float(cred["hedged_below"]),
        hedged=int(cred["hedged"]),
        contradicted_once=int(cred["contradicted_once"]),
        contradicted_more=int(cred["contradicted_more"]),
        same_proposition=float(cred["same_proposition"]),
        min_shared=int(cred["min_shared"]),
    )
    if sorted(rules.letters) != list(LETTERS) or sorted(rules.digits) != [1, 2, 3, 4, 5, 6]:
        raise ValueError("claims.yaml: grading scales must list A-F and 1-6")
    return rules


def _quote(text: str | None, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1]}…"'


def _who(source_type: str, source: dict[str, Any] | None, name: str | None) -> str:
    words = _TYPE_WORDS.get(source_type, source_type)
    shown = name or (source or {}).get("text")
    role = (source or {}).get("role")
    if role and shown and role not in shown:
        shown = f"{role}, {shown}"
    return f"{words} {_quote(shown)}" if shown else words


def reliability(
    source_type: str,
    source: dict[str, Any] | None,
    document: Document,
    registry: Registry,
    entity_name: str | None = None,
) -> tuple[str, str]:
    """(letter, reason) for the source of a claim."""
    rules = load_rules()
    f = rules.default_letter
    if source_type == "anonymous":
        shown = (source or {}).get("text")
        what = f"unnamed source {_quote(shown)}" if shown else "unnamed source (no one is named)"
        return (
            f,
            f"source: {what}: who it is cannot be known, so its reliability cannot be judged and no registry entry can apply ({f})",
        )
    if source_type == "author":
        outlet = document.outlet
        entry = registry.lookup(outlet, document.author)
        if entry is not None:
            return entry.reliability, (
                f"source: the writer's own assertion, published by {_quote(entry.name)}: rated "
                f"{entry.reliability} ({rules.letters[entry.reliability]}) in the outlet registry ({entry.source})"
            )
        if outlet or document.author:
            who = _quote(outlet or document.author)
            return (
                f,
                f"source: the writer's own assertion, published by {who}, which has no registry entry: no track record, so reliability cannot be judged ({f})",
            )
        return (
            f,
            f"source: the writer's own assertion; the document names no outlet or author: reliability cannot be judged ({f})",
        )
    text = (source or {}).get("text")
    entry = registry.lookup(text, entity_name)
    who = _who(source_type, source, None)
    if entry is not None:
        return entry.reliability, (
            f"source: {who} is rated {entry.reliability} ({rules.letters[entry.reliability]}) in the "
            f"outlet registry ({entry.source})"
        )
    if source_type == "media":
        return (
            f,
            f"source: {who} has no entry in the outlet registry: no track record, so reliability cannot be judged ({f})",
        )
    if source_type == "named_official":
        return (
            f,
            f"source: {who}, on the record; gossamer holds no track record for it (no registry entry): reliability cannot be judged ({f})",
        )
    return (
        f,
        f"source: {who}, identifiable but with no registry entry: no track record, so reliability cannot be judged ({f})",
    )


def credibility(
    kind: str,
    source_type: str,
    document: Document,
    certainty: float,
    hedges: Sequence[dict[str, Any]],
    contradicted_by: Sequence[str] = (),
) -> tuple[int, list[str]]:
    """(digit, reasons) for the information of a claim inside its own document."""
    rules = load_rules()
    d = rules.digits
    if kind in rules.not_checkable:
        article = "an" if kind[0] in "aeiou" else "a"
        what = {"evaluative": "an opinion (evaluative claim)"}.get(kind, f"{article} {kind}")
        return rules.undisclosed, [
            f"information: {what}, not information another report could confirm: {d[rules.undisclosed].lower()} ({rules.undisclosed})"
        ]
    if contradicted_by:
        grade = rules.contradicted_once if len(contradicted_by) == 1 else rules.contradicted_more
        who = ", ".join(contradicted_by[:3])
        return grade, [
            f"information: contradicted in the same document by {who}: {d[grade].lower()} ({grade})"
        ]
    reasons = []
    if certainty < rules.hedged_below:
        cues = ", ".join(dict.fromkeys(h["text"] for h in hedges if float(h.get("weight", 0)) > 0))
        return rules.hedged, [
            f"information: heavily hedged in the text (certainty {certainty:.2f}: {cues}): {d[rules.hedged].lower()} ({rules.hedged})"
        ]
    identifiable = source_type in NAMED or (
        source_type == "author" and bool(document.outlet or document.author)
    )
    if identifiable:
        grade = rules.identifiable
        reasons.append(
            f"information: one identifiable source, not confirmed by a second: {d[grade].lower()} ({grade})"
        )
    else:
        grade = rules.undisclosed
        why = "an unnamed source" if source_type == "anonymous" else "a writer the document does not name"
        reasons.append(
            f"information: single source ({why}), origin not disclosed, not corroborated: {d[grade].lower()} ({grade})"
        )
    return grade, reasons


def grade_claim(
    kind: str,
    source_type: str,
    source: dict[str, Any] | None,
    document: Document,
    certainty: float,
    hedges: Sequence[dict[str, Any]],
    chain: Sequence[dict[str, Any]] = (),
    contradicted_by: Sequence[str] = (),
    registry: Registry | None = None,
    entity_name: str | None = None,
) -> dict[str, Any]:
    """The `Claim.grade` object: {"reliability", "credibility", "reasons"}."""
    registry = registry if registry is not None else load_registry()
    letter, why = reliability(source_type, source, document, registry, entity_name)
    digit, more = credibility(kind, source_type, document, certainty, hedges, contradicted_by)
    reasons = [why, *more]
    if chain:
        via = "; ".join(_who(str(c.get("source_type", "")), c, None) for c in chain)
        reasons.append(f"relayed by {via}: graded on the original source")
    return {"reliability": letter, "credibility": digit, "reasons": reasons}
