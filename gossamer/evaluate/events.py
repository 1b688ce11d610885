"""Event-coding evaluation: read gold event corpora, run gossamer, score its events.

Formats (found from the content, never the file name):

* ``plover`` -- the PLOVER gold-standard records: a JSON array of objects with ``text`` and
  ``event`` (a PLOVER 0.5b1 label, remapped to the 16 current categories by
  ``data/lexicons/event_mappings.yaml``), ``source`` / ``target`` (a list of ``{actorText,
  code}``, or a string / nothing when absent), ``mode``, ``date``. A record without ``text`` or
  ``event`` (the DOCUMENT header) is skipped.
* ``conflibert`` -- ConfliBERT's CAMEO sentences: ``cameo_class`` TSV (``sentence<TAB>label``,
  labels 0-4 = neutral + the four quad classes) and ``cameo_ner`` CoNLL (``token tag``, a blank
  line between sentences, tags ``B-/I-`` S source, T target, R reciprocal). A folder holding both
  is read as both; with several files of a kind the ones whose name holds "test" are used.
* ``case2021`` -- CASE 2021 Task 2 snippets: TSV with the header ``id, EventSnippet, SubType``;
  sub-event types are mapped to PLOVER categories by the same data file (``acled`` section).

Prediction. Each record is analysed as one English document. The *top event* is the
non-historical event with the highest confidence (a missing confidence counts as 0), ties going
to the one whose trigger comes first; no such event predicts "none".

Scores:

* plover: per-category P/R/F1 over the 16 categories (a "none" prediction is a miss, never a
  class), macro F1 over the categories present in the gold, accuracy, coverage (share of
  records with a top event), accuracy_any (gold category among *any* predicted event: what a
  better choice of top event could reach). actor_match: share of records whose gold source
  actors are matched by the top event's actors, over records with gold actors whose category
  was predicted right (``rate``) and over all records with gold actors (``rate_all``); a record
  matches when *any* gold actor is matched (``rate_every`` asks for all of them).
  recipient_match likewise for targets. A gold actor matches a predicted one when their texts are
  equal ignoring case, articles and possessives, or their head nouns are equal, or the gold code
  equals the entity's KB id (or its country prefix) or the ISO3 of its country, or is a non-state
  code (IGO, NGO, ISM, IMG) that the data file ties to the entity's type. A predicted *phrase*
  also matches on the names inside it: the gold code equals the KB id or the ISO3 country of an
  entity or place mentioned in the phrase ("Palestinian detainees" matches a gold "Palestinian"
  coded PSE; "Baghdad" a gold "Iraq" coded IRQ), as CAMEO codes a group or place by its country.
* conflibert: class -- top category -> quad class (``quad_classes``), "neutral" when no event;
  per-class P/R/F1, macro F1 over the 5 classes, accuracy. NER -- span-level exact and overlap
  P/R/F1 (`gossamer.evaluate.scoring`) of the top event's actor spans against gold S spans,
  recipient spans against T spans, and role-blind participant spans against S+T+R spans (R,
  reciprocal, has no single role: it is gold only there, and a predicted actor or recipient
  overlapping an R span is left out of the per-role counts). Predicted spans are the mentions of the
  top event's actor (recipient) entities, inside its clause when it has one, plus its actor
  (recipient) phrases. Modes are not scored on PLOVER records: their modes are 0.5b1 ones.
* case2021: strict accuracy and macro F1 over snippets of mapped types (macro over the PLOVER
  categories present), lenient accuracy (the top category is the mapped one or one of its
  ``also`` list), per-type accuracy, mode agreement where the mapping names a mode. Unmapped
  types marked ``expect_none`` (disasters) are scored apart as the share of snippets that get an
  event anyway (false_event_rate); those marked ``excluded`` are left out and only tallied.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..model import PLOVER_CATEGORIES
from .scoring import SpanCounts, exact_counts, overlap_counts, overlaps

FORMATS = ("plover", "conflibert", "case2021")
NONE = "none"

# --------------------------------------------------------------------------- mappings


@dataclass(frozen=True)
class AcledType:
    code: str
    name: str
    category: str | None = None  # None: unmapped
    mode: str | None = None
    also: tuple[str, ...] = ()
    scoring: str = "mapped"  # mapped, excluded, expect_none
    note: str = ""


@dataclass(frozen=True)
class EventMappings:
    remap: dict[str, str | None]
    remap_modes: dict[str, str]
    quad: dict[str, str]
    conflibert_labels: dict[str, str]
    conflibert_none: str
    acled: dict[str, AcledType]
    articles: frozenset[str]
    head_stops: frozenset[str]
    type_codes: dict[str, frozenset[str]]

    def current_label(self, label: str) -> str | None:
        """A gold PLOVER label in the current 16 categories; None when it has none."""
        label = label.strip().upper()
        if label in self.remap:
            return self.remap[label]
        return label if label in PLOVER_CATEGORIES else None

    @property
    def classes(self) -> tuple[str, ...]:
        """The five ConfliBERT classes, in label order."""
        return tuple(self.conflibert_labels[k] for k in sorted(self.conflibert_labels))


@functools.cache
def load_mappings() -> EventMappings:
    """The label tables of ``data/lexicons/event_mappings.yaml``, read once per process."""
    text = (
        resources.files("gossamer.data").joinpath("lexicons/event_mappings.yaml").read_text(encoding="utf-8")
    )
    data = yaml.safe_load(text)
    remap: dict[str, str | None] = {}
    remap_modes: dict[str, str] = {}
    for old, entry in data["plover_remap"]["labels"].items():
        remap[old] = entry.get("category")
        if entry.get("mode"):
            remap_modes[old] = entry["mode"]
    acled: dict[str, AcledType] = {}
    for code, e in data["acled"]["mapped"].items():
        acled[code] = AcledType(
            code, e["name"], e["category"], e.get("mode"), tuple(e.get("also", ())), "mapped", e["source"]
        )
    for code, e in data["acled"]["unmapped"].items():
        acled[code] = AcledType(code, e["name"], None, None, (), e["scoring"], e["reason"])
    match = data["actor_matching"]
    return EventMappings(
        remap=remap,
        remap_modes=remap_modes,
        quad=dict(data["quad_classes"]["categories"]),
        conflibert_labels={str(k): v for k, v in data["conflibert_labels"]["labels"].items()},
        conflibert_none=data["conflibert_labels"]["none"],
        acled=acled,
        articles=frozenset(match["articles"]),
        head_stops=frozenset(match["head_stops"]),
        type_codes={code: frozenset(types) for code, types in match["type_codes"]["codes"].items()},
    )


# --------------------------------------------------------------------------- gold records


@dataclass(frozen=True)
class GoldActor:
    text: str
    code: str | None = None


@dataclass
class PloverRecord:
    id: str
    text: str
    label: str  # as written in the record
    category: str | None  # current PLOVER category; None when the label has none
    sources: list[GoldActor] = field(default_factory=list)
    targets: list[GoldActor] = field(default_factory=list)
    mode: str | None = None
    published: str | None = None


@dataclass
class ClassSentence:
    text: str
    label: str  # class name (neutral, verbal cooperation, ...)


@dataclass
class NerSentence:
    text: str  # the tokens joined by single spaces
    sources: list[tuple[int, int]] = field(default_factory=list)
    targets: list[tuple[int, int]] = field(default_factory=list)
    reciprocal: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class CaseSnippet:
    id: str
    text: str
    subtype: str


def _actors(value: Any) -> list[GoldActor]:
    """Gold actors from a record's source/target; a string or nothing means none coded."""
    if not isinstance(value, list):
        return []
    out = []
    for a in value:
        if isinstance(a, dict) and str(a.get("actorText") or "").strip():
            code = str(a.get("code") or "").strip().upper() or None
            out.append(GoldActor(str(a["actorText"]).strip(), code))
    return out


def read_plover(path: str | Path) -> list[PloverRecord]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = [data]
    elif not isinstance(data, list):
        data = []
    maps = load_mappings()
    records = []
    for n, rec in enumerate(data):
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) or not rec.get("event"):
            continue  # the DOCUMENT header, or a record with nothing to score
        if not rec["text"].strip():
            continue
        label = str(rec["event"])
        records.append(
            PloverRecord(
                id=str(rec.get("id") or f"record-{n}"),
                text=rec["text"],
                label=label,
                category=maps.current_label(label),
                sources=_actors(rec.get("source")),
                targets=_actors(rec.get("target")),
                mode=(str(rec["mode"]) if rec.get("mode") else None),
                published=_iso_date(rec.get("date")),
            )
        )
    if not records:
        raise ValueError(f"{path}: no PLOVER records (objects with 'text' and 'event')")
    return records


def _iso_date(value: Any) -> str | None:
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for line in fh:
            yield line.rstrip("\r\n")


def read_conflibert_class(path: str | Path) -> list[ClassSentence]:
    labels = load_mappings().conflibert_labels
    out = []
    for n, line in enumerate(_lines(Path(path)), 1):
        if not line.strip():
            continue
        text, sep, label = line.rpartition("\t")
        if not sep or label.strip() not in labels:
            raise ValueError(f"{path}:{n}: expected 'sentence<TAB>label' with a label in {sorted(labels)}")
        out.append(ClassSentence(text.strip(), labels[label.strip()]))
    return out


_NER_LINE = re.compile(r"^(\S+)\s+(O|[BI]-[STR])$")


def read_conflibert_ner(path: str | Path) -> list[NerSentence]:
    """Sentences of a CoNLL ``token tag`` file, rebuilt as space-joined text with char spans.

    An ``I-`` tag that does not continue a span of its type opens one (IOB1-tolerant).
    """
    sentences: list[NerSentence] = []
    tokens: list[tuple[str, str]] = []

    def flush() -> None:
        if not tokens:
            return
        sent = NerSentence(" ".join(t for t, _ in tokens))
        roles = {"S": sent.sources, "T": sent.targets, "R": sent.reciprocal}
        pos, open_span = 0, None  # open_span: [type, start, end]
        for tok, tag in tokens:
            start, end = pos, pos + len(tok)
            pos = end + 1
            kind = tag[2:] if tag != "O" else None
            if kind and open_span and open_span[0] == kind and tag.startswith("I-"):
                open_span[2] = end
                continue
            if open_span and open_span[0] in roles:
                roles[open_span[0]].append((open_span[1], open_span[2]))
            open_span = [kind, start, end] if kind else None
        if open_span and open_span[0] in roles:
            roles[open_span[0]].append((open_span[1], open_span[2]))
        sentences.append(sent)
        tokens.clear()

    for n, line in enumerate(_lines(Path(path)), 1):
        if not line.strip():
            flush()
            continue
        m = _NER_LINE.match(line.strip())
        if not m:
            raise ValueError(f"{path}:{n}: expected 'token tag' (tags O, B-/I-S, T, R)")
        tokens.append((m.group(1), m.group(2)))
    flush()
    return sentences


CASE_HEADER = ("id", "EventSnippet", "SubType")


def read_case2021(path: str | Path) -> list[CaseSnippet]:
    lines = _lines(Path(path))
    header = next(lines, "").split("\t")
    if tuple(h.strip() for h in header) != CASE_HEADER:
        raise ValueError(f"{path}: expected the header {' / '.join(CASE_HEADER)}")
    out = []
    for n, line in enumerate(lines, 2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path}:{n}: expected 3 tab-separated fields, got {len(parts)}")
        out.append(CaseSnippet(parts[0].strip(), parts[1].strip(), parts[2].strip()))
    return out


# --------------------------------------------------------------------------- format detection


def sniff_file(path: Path) -> str | None:
    """'plover', 'conflibert-class', 'conflibert-ner', 'case2021' or None, from the first bytes."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    stripped = head.lstrip()
    if stripped.startswith(("[", "{")):
        return "plover" if '"event"' in head or '"text"' in head else None
    lines = [ln.rstrip("\r") for ln in head.split("\n")[:-1] if ln.strip()] or [head.rstrip("\r\n")]
    if not lines or not lines[0]:
        return None
    if tuple(h.strip() for h in lines[0].split("\t")) == CASE_HEADER:
        return "case2021"
    sample = lines[:20]
    labels = load_mappings().conflibert_labels
    if all("\t" in ln and ln.rpartition("\t")[2].strip() in labels for ln in sample):
        return "conflibert-class"
    if all(_NER_LINE.match(ln.strip()) for ln in sample):
        return "conflibert-ner"
    return None


@dataclass
class Sources:
    """What one evaluation reads: the format and its files."""

    format: str
    files: dict[str, list[Path]]  # kind (plover, case2021, conflibert-class, conflibert-ner) -> files


def find_sources(path: str | Path, fmt: str | None = None) -> Sources:
    """The files of `path` (a file or a folder, searched two levels deep) for format `fmt`.

    Without `fmt` the format is the one the files' content shows; a folder holding more than one
    format needs `fmt`. Raises FileNotFoundError, or ValueError when nothing fits.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(str(path))
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if path.is_file():
        candidates = [path]
    else:
        candidates = sorted(p for p in path.rglob("*") if p.is_file() and len(p.relative_to(path).parts) <= 2)
    found: dict[str, list[Path]] = {}
    for p in candidates:
        kind = sniff_file(p)
        if kind:
            found.setdefault(kind, []).append(p)
    family = {k: k.split("-")[0] for k in found}
    formats = sorted(set(family.values()))
    if fmt is None:
        if not formats:
            raise ValueError(f"{path}: no PLOVER, ConfliBERT or CASE 2021 file recognised")
        if len(formats) > 1:
            raise ValueError(f"{path}: holds several formats ({', '.join(formats)}): pass --format")
        fmt = formats[0]
    files = {k: _prefer_test(v) for k, v in found.items() if family[k] == fmt}
    if not files:
        raise ValueError(f"{path}: no {fmt} file recognised")
    return Sources(fmt, files)


def _prefer_test(paths: list[Path]) -> list[Path]:
    """Of several files of one kind, the test split (we train on nothing, but it is the one reported)."""
    if len(paths) > 1:
        test = [p for p in paths if "test" in p.name.lower()]
        if test:
            return test
    return paths


# --------------------------------------------------------------------------- predictions


def top_event(analysis: Any) -> Any | None:
    """The non-historical event with the highest confidence; ties go to the earliest trigger."""
    best, best_key = None, None
    for order, ev in enumerate(analysis.events):
        if getattr(ev, "historical", False) or not ev.category:
            continue
        start = ev.mentions[0][0] if ev.mentions else 10**9
        key = (-(ev.confidence if ev.confidence is not None else 0.0), start, order)
        if best_key is None or key < best_key:
            best, best_key = ev, key
    return best


def predicted_categories(analysis: Any) -> set[str]:
    return {ev.category for ev in analysis.events if ev.category and not getattr(ev, "historical", False)}


@dataclass
class Candidate:
    """One predicted participant of an event, with everything it can be matched on."""

    texts: list[str]
    spans: list[tuple[int, int]]
    kb_id: str | None = None
    iso3: str | None = None
    type: str | None = None
    # a phrase's names: (KB id, ISO3 of its country) of each entity or place mentioned inside it
    # ("Palestinian detainees" -> Palestine, PSE; "Baghdad" -> IRQ)
    inner: list[tuple[str | None, str | None]] = field(default_factory=list)


def participants(analysis: Any, event: Any, role: str) -> list[Candidate]:
    """The actors (role 'actor') or recipients ('recipient') of `event`: entities, then phrases."""
    ids = event.actors if role == "actor" else event.recipients
    phrases = event.actor_phrases if role == "actor" else event.recipient_phrases
    clause = tuple(event.clause) if event.clause else None
    by_id = {e.id: e for e in analysis.entities}
    out: list[Candidate] = []
    for eid in ids:
        ent = by_id.get(eid)
        if ent is None:
            continue
        spans = [(int(s), int(e)) for s, e in ent.mentions]
        if clause:
            inside = [m for m in spans if clause[0] <= m[0] and m[1] <= clause[1]]
            spans = inside or spans
        texts = [ent.name] + [analysis.document.text[s:e] for s, e in spans]
        out.append(Candidate(texts, spans, ent.kb_id, iso3(ent.country), ent.type))
    for s, e in phrases:
        out.append(Candidate([analysis.document.text[s:e]], [(int(s), int(e))], inner=_names_inside(analysis, s, e)))
    return out


def _names_inside(analysis: Any, start: int, end: int) -> list[tuple[str | None, str | None]]:
    """(KB id, ISO3 country) of the entities and places with a mention inside [start, end)."""
    out = []
    for item in [*analysis.entities, *getattr(analysis, "places", [])]:
        if any(start <= int(s) and int(e) <= end for s, e in item.mentions):
            out.append((getattr(item, "kb_id", None), iso3(getattr(item, "country", None))))
    return out


@functools.cache
def iso3(iso2: str | None) -> str | None:
    """ISO 3166-1 alpha-3 for an alpha-2 code (pycountry), None when unknown."""
    if not iso2:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_2=iso2.upper())
    return country.alpha_3 if country else None


_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)


def name_key(text: str) -> str:
    """Lower-case words without articles, possessives or punctuation: 'The Iraqi army's' -> 'iraqi army'."""
    arts = load_mappings().articles
    words = [w.removesuffix("'s") for w in _TOKEN.findall(text.lower().replace("\u2019", "'"))]
    return " ".join(w for w in words if w not in arts)


def head_noun(text: str) -> str:
    """The last word before a post-modifier: 'rebels in the north' -> 'rebels'."""
    stops = load_mappings().head_stops
    before_comma = text.split(",")[0]
    words = name_key(before_comma).split()
    for i, w in enumerate(words):
        if w in stops and i > 0:
            words = words[:i]
            break
    return words[-1] if words else ""


def actor_matches(gold: GoldActor, cand: Candidate) -> bool:
    """Same text (case, articles, possessives aside), same head noun, or same code."""
    gkey = name_key(gold.text)
    keys = {name_key(t) for t in cand.texts}
    if gkey and gkey in keys:
        return True
    ghead = head_noun(gold.text)
    if ghead and ghead in {head_noun(t) for t in cand.texts}:
        return True
    code = gold.code
    if code:
        if cand.kb_id and (cand.kb_id.upper() == code or cand.kb_id.upper().split("-")[0] == code):
            return True
        if cand.iso3 and cand.iso3 == code:
            return True
        if cand.type and cand.type in load_mappings().type_codes.get(code, ()):
            return True
        # a phrase whose name gives the party's country: "Palestinian detainees" for "Palestinian"
        # (PSE), "Baghdad" for "Iraq" (IRQ), as CAMEO codes a group by its nationality
        for kb_id, country in cand.inner:
            if country == code or kb_id and (kb_id.upper() == code or kb_id.upper().split("-")[0] == code):
                return True
    return False


def gold_matched(golds: Sequence[GoldActor], cands: Sequence[Candidate], every: bool = False) -> bool:
    hits = [any(actor_matches(g, c) for c in cands) for g in golds]
    return bool(hits) and (all(hits) if every else any(hits))


# --------------------------------------------------------------------------- scoring


class LabelScore:
    """Single-label classification: per-label P/R/F1 from `SpanCounts`, macro F1, accuracy.

    A prediction outside `labels` (e.g. "none") is a miss for the gold label and a false
    positive for no one.
    """

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.pairs: list[tuple[str, str]] = []

    def add(self, gold: str, pred: str) -> None:
        self.pairs.append((gold, pred))

    def counts(self) -> dict[str, SpanCounts]:
        out = {lab: SpanCounts() for lab in self.labels}
        for gold, pred in self.pairs:
            if gold in out:
                out[gold].n_gold += 1
            if pred in out:
                out[pred].n_pred += 1
            if gold == pred and gold in out:
                out[gold].tp += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts()
        present = [lab for lab, c in counts.items() if c.n_gold]
        macro = sum(counts[lab].f1 for lab in present) / len(present) if present else 0.0
        n = len(self.pairs)
        confusion: dict[str, dict[str, int]] = {}
        for gold, pred in self.pairs:
            row = confusion.setdefault(gold, {})
            row[pred] = row.get(pred, 0) + 1
        return {
            "n": n,
            "accuracy": round(sum(g == p for g, p in self.pairs) / n, 4) if n else 0.0,
            "macro_f1": round(macro, 4),
            "macro_over": present,
            "per_category": {
                lab: {
                    "p": round(c.p, 4),
                    "r": round(c.r, 4),
                    "f1": round(c.f1, 4),
                    "support": c.n_gold,
                    "n_pred": c.n_pred,
                }
                for lab, c in counts.items()
            },
            "confusion": {g: dict(sorted(row.items())) for g, row in sorted(confusion.items())},
        }


@dataclass
class MatchRate:
    """Records whose gold actors are matched, over two denominators (see the module note)."""

    hit: int = 0
    n: int = 0  # gold actors and the right category predicted
    hit_every: int = 0
    hit_all: int = 0
    n_all: int = 0  # gold actors, whatever was predicted

    def add(self, golds: Sequence[GoldActor], cands: Sequence[Candidate], right_category: bool) -> None:
        if not golds:
            return
        self.n_all += 1
        hit = gold_matched(golds, cands)
        self.hit_all += hit
        if right_category:
            self.n += 1
            self.hit += hit
            self.hit_every += gold_matched(golds, cands, every=True)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rate": round(self.hit / self.n, 4) if self.n else None,
            "n": self.n,
            "rate_every": round(self.hit_every / self.n, 4) if self.n else None,
            "rate_all": round(self.hit_all / self.n_all, 4) if self.n_all else None,
            "n_all": self.n_all,
        }


class PloverScore:
    def __init__(self) -> None:
        self.labels = LabelScore(PLOVER_CATEGORIES)
        self.actor = MatchRate()
        self.recipient = MatchRate()
        self.covered = 0
        self.any_hit = 0
        self.unscorable: Counter[str] = Counter()

    def add(self, record: PloverRecord, analysis: Any) -> None:
        if record.category is None:
            self.unscorable[record.label] += 1
            return
        ev = top_event(analysis)
        pred = ev.category if ev is not None else NONE
        self.labels.add(record.category, pred)
        self.covered += ev is not None
        self.any_hit += record.category in predicted_categories(analysis)
        right = pred == record.category
        self.actor.add(record.sources, participants(analysis, ev, "actor") if ev else [], right)
        self.recipient.add(record.targets, participants(analysis, ev, "recipient") if ev else [], right)

    def as_dict(self) -> dict[str, Any]:
        out = self.labels.as_dict()
        n = out["n"]
        out["coverage"] = round(self.covered / n, 4) if n else 0.0
        out["accuracy_any"] = round(self.any_hit / n, 4) if n else 0.0
        out["actor_match"] = self.actor.as_dict()
        out["recipient_match"] = self.recipient.as_dict()
        out["unscorable"] = dict(self.unscorable)
        return out


class NerScore:
    """Span P/R/F1 of event participants, exact and overlapping, per role."""

    ROLES = ("actor", "recipient", "participant")

    def __init__(self) -> None:
        self.exact = {r: SpanCounts() for r in self.ROLES}
        self.overlap = {r: SpanCounts() for r in self.ROLES}
        self.n = 0

    def add(self, sent: NerSentence, analysis: Any) -> None:
        self.n += 1
        ev = top_event(analysis)
        pred = {"actor": [], "recipient": []}
        if ev is not None:
            for role in ("actor", "recipient"):
                pred[role] = sorted({s for c in participants(analysis, ev, role) for s in c.spans})
        pred["participant"] = sorted(set(pred["actor"]) | set(pred["recipient"]))
        if sent.reciprocal:  # a reciprocal actor fills both roles: neither right nor wrong in one
            for role in ("actor", "recipient"):
                pred[role] = [s for s in pred[role] if not any(overlaps(s, r) for r in sent.reciprocal)]
        gold = {
            "actor": sent.sources,
            "recipient": sent.targets,
            "participant": sorted(set(sent.sources) | set(sent.targets) | set(sent.reciprocal)),
        }
        for role in self.ROLES:
            self.exact[role] += exact_counts(gold[role], pred[role])
            self.overlap[role] += overlap_counts(gold[role], pred[role])

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "level": "span",
            **{
                r: {"exact": self.exact[r].as_dict(), "overlap": self.overlap[r].as_dict()}
                for r in self.ROLES
            },
        }


class CaseScore:
    def __init__(self) -> None:
        self.maps = load_mappings()
        self.labels = LabelScore(PLOVER_CATEGORIES)
        self.lenient = 0
        self.per_type: dict[str, dict[str, Any]] = {}
        self.mode_hit = 0
        self.mode_n = 0
        self.none_n = 0
        self.none_false = 0
        self.unknown: Counter[str] = Counter()

    def add(self, snippet: CaseSnippet, analysis: Any) -> None:
        kind = self.maps.acled.get(snippet.subtype)
        ev = top_event(analysis)
        pred = ev.category if ev is not None else NONE
        if kind is None:
            self.unknown[snippet.subtype] += 1
            return
        row = self.per_type.setdefault(
            snippet.subtype,
            {
                "n": 0,
                "scoring": kind.scoring,
                "category": kind.category,
                "correct": 0,
                "predicted": Counter(),
            },
        )
        row["n"] += 1
        row["predicted"][pred] += 1
        if kind.scoring == "expect_none":
            self.none_n += 1
            self.none_false += ev is not None
            row["correct"] += ev is None
            return
        if kind.scoring != "mapped":
            return
        self.labels.add(kind.category, pred)
        row["correct"] += pred == kind.category
        self.lenient += pred == kind.category or pred in kind.also
        if kind.mode and pred == kind.category:
            self.mode_n += 1
            self.mode_hit += getattr(ev, "mode", None) == kind.mode

    def as_dict(self) -> dict[str, Any]:
        out = self.labels.as_dict()
        n = out["n"]
        out["n_mapped"] = n
        out["lenient_accuracy"] = round(self.lenient / n, 4) if n else 0.0
        out["mode_match"] = {
            "rate": round(self.mode_hit / self.mode_n, 4) if self.mode_n else None,
            "n": self.mode_n,
        }
        out["expect_none"] = {
            "n": self.none_n,
            "false_event_rate": round(self.none_false / self.none_n, 4) if self.none_n else None,
        }
        out["per_type"] = {
            code: {
                **row,
                "accuracy": round(row["correct"] / row["n"], 4)
                if row["n"] and row["scoring"] != "excluded"
                else None,
                "predicted": dict(row["predicted"].most_common()),
            }
            for code, row in sorted(self.per_type.items())
        }
        out["excluded"] = {c: r["n"] for c, r in sorted(self.per_type.items()) if r["scoring"] == "excluded"}
        out["unknown_types"] = dict(self.unknown)
        return out


# --------------------------------------------------------------------------- running


def _results_dir() -> Path:
    """bench/results of the checkout this package runs from, else of the working directory."""
    root = Path(__file__).resolve().parents[2]
    return (root if (root / "bench").is_dir() else Path.cwd()) / "bench" / "results"


EVENT_STAGE = "gossamer.stages.events:EventStage"


def events_pipeline() -> Any:
    """The default stages up to the events stage (added after them when the defaults lack it)."""
    from ..pipeline import DEFAULT_STAGES, Pipeline, load_stage

    specs = list(DEFAULT_STAGES)
    cut = next((i for i, s in enumerate(specs) if s.endswith(":EventStage")), None)
    specs = specs[: cut + 1] if cut is not None else [*specs, EVENT_STAGE]
    try:  # the events stage first: when it is missing, say so before loading the others
        last = load_stage(specs[-1])
    except (ImportError, AttributeError) as exc:
        raise RuntimeError(f"the events stage is not available: {exc}") from exc
    return Pipeline(stages=[*(load_stage(s) for s in specs[:-1]), last])


def _analyse(
    pipeline: Any, docs: Sequence[tuple[str, str | None]], tick: Callable[[], None]
) -> Iterator[Any]:
    """Analyses of (text, published) pairs, in order, parsing in batches."""
    from ..model import Document
    from ..nlp import parse_many

    parsed_iter = parse_many(pipeline.nlp, (t for t, _ in docs), batch_size=32)
    for (text, published), parsed in zip(docs, parsed_iter):
        yield pipeline.run_stages(Document(text=text, language="en", published=published), parsed)
        tick()


def run_events_eval(
    path: str | Path,
    format: str | None = None,
    limit: int | None = None,
    out_dir: str | Path | None = None,
    progress: bool = True,
    pipeline: Any | None = None,
) -> dict[str, Any]:
    """Analyse every record of a gold event corpus with gossamer and score its events.

    Writes the result to ``<out_dir>/eval-events-<format>.json`` (out_dir defaults to
    bench/results) and returns it. `pipeline` may be passed to reuse a loaded one (tests).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    sources = find_sources(path, format)
    fmt = sources.format
    pipeline = pipeline or events_pipeline()
    result: dict[str, Any] = {"task": "events", "format": fmt, "corpus": str(path)}
    result["files"] = {k: [str(p) for p in v] for k, v in sorted(sources.files.items())}

    def take(items: list[Any]) -> list[Any]:
        return items[:limit] if limit else items

    t0 = time.perf_counter()
    bar = Progress(
        TextColumn("[bold]eval events[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not progress,
        transient=True,
    )
    with bar:

        def run(kind: str, items: list[Any], docs: list[tuple[str, str | None]]) -> Iterable[tuple[Any, Any]]:
            task = bar.add_task(kind, total=len(items))
            return zip(items, _analyse(pipeline, docs, lambda: bar.advance(task)))

        if fmt == "plover":
            records = take([r for p in sources.files["plover"] for r in read_plover(p)])
            score = PloverScore()
            for rec, analysis in run("plover", records, [(r.text, r.published) for r in records]):
                score.add(rec, analysis)
            result.update(score.as_dict())
        elif fmt == "case2021":
            snippets = take([s for p in sources.files["case2021"] for s in read_case2021(p)])
            case = CaseScore()
            for snip, analysis in run("case2021", snippets, [(s.text, None) for s in snippets]):
                case.add(snip, analysis)
            result.update(case.as_dict())
            result["n"] = len(snippets)
        else:
            result.update(_run_conflibert(sources, take, run))
    result["seconds"] = round(time.perf_counter() - t0, 2)
    result["limit"] = limit
    out = Path(out_dir) if out_dir is not None else _results_dir()
    out.mkdir(parents=True, exist_ok=True)
    (out / f"eval-events-{fmt}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def _run_conflibert(
    sources: Sources, take: Callable[[list[Any]], list[Any]], run: Callable[..., Iterable[tuple[Any, Any]]]
) -> dict[str, Any]:
    maps = load_mappings()
    out: dict[str, Any] = {}
    class_files = sources.files.get("conflibert-class", [])
    if class_files:
        sents = take([s for p in class_files for s in read_conflibert_class(p)])
        score = LabelScore(maps.classes)
        for sent, analysis in run("cameo class", sents, [(s.text, None) for s in sents]):
            ev = top_event(analysis)
            pred = (
                maps.quad.get(ev.category, maps.conflibert_none) if ev is not None else maps.conflibert_none
            )
            score.add(sent.label, pred)
        cls = score.as_dict()
        cls["per_class"] = cls.pop("per_category")
        out["class"] = cls
        out["n"] = cls["n"]
        out["macro_f1"] = cls["macro_f1"]
        out["accuracy"] = cls["accuracy"]
    ner_files = sources.files.get("conflibert-ner", [])
    if ner_files:
        sents = take([s for p in ner_files for s in read_conflibert_ner(p)])
        ner = NerScore()
        for sent, analysis in run("cameo ner", sents, [(s.text, None) for s in sents]):
            ner.add(sent, analysis)
        out["ner"] = ner.as_dict()
        out.setdefault("n", ner.n)
    return out


# --------------------------------------------------------------------------- display


def _pct(value: Any) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def events_tables(result: dict[str, Any]) -> list[Any]:
    """The result of `run_events_eval` as Rich tables: a summary, then per-category scores."""
    from rich.table import Table

    fmt = result["format"]
    summary = Table(title=f"events eval: {fmt} ({result['corpus']})", show_header=False, title_justify="left")
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    rows: list[tuple[str, str]] = []
    per: dict[str, Any] = {}
    if fmt == "plover":
        am, rm = result["actor_match"], result["recipient_match"]
        rows += [
            ("records", f"{result['n']:,}"),
            ("accuracy / macro F1", f"{_pct(result['accuracy'])} / {_pct(result['macro_f1'])}"),
            ("coverage (any top event)", _pct(result["coverage"])),
            ("gold category among any event", _pct(result["accuracy_any"])),
            (f"actor match (right category, n={am['n']})", _pct(am["rate"])),
            (f"actor match (all, n={am['n_all']})", _pct(am["rate_all"])),
            (f"recipient match (right category, n={rm['n']})", _pct(rm["rate"])),
            (f"recipient match (all, n={rm['n_all']})", _pct(rm["rate_all"])),
        ]
        per = result["per_category"]
    elif fmt == "case2021":
        rows += [
            ("snippets (mapped types)", f"{result['n']:,} ({result['n_mapped']:,})"),
            ("accuracy / macro F1 (mapped)", f"{_pct(result['accuracy'])} / {_pct(result['macro_f1'])}"),
            ("lenient accuracy", _pct(result["lenient_accuracy"])),
            (f"mode match (n={result['mode_match']['n']})", _pct(result["mode_match"]["rate"])),
            (
                f"false events on disasters (n={result['expect_none']['n']})",
                _pct(result["expect_none"]["false_event_rate"]),
            ),
        ]
        per = result["per_category"]
    else:
        if "class" in result:
            c = result["class"]
            rows += [
                ("class sentences", f"{c['n']:,}"),
                ("class accuracy / macro F1", f"{_pct(c['accuracy'])} / {_pct(c['macro_f1'])}"),
            ]
            per = c["per_class"]
        if "ner" in result:
            ner = result["ner"]
            rows.append(("NER sentences", f"{ner['n']:,}"))
            for role in NerScore.ROLES:
                for kind in ("exact", "overlap"):
                    s = ner[role][kind]
                    rows.append(
                        (f"{role} spans {kind} P / R / F1", " / ".join(_pct(s[k]) for k in ("p", "r", "f1")))
                    )
    rows.append(("seconds", f"{result['seconds']:.1f}"))
    for label, value in rows:
        summary.add_row(label, value)
    tables = [summary]
    if per:
        detail = Table(title="per category" if fmt != "conflibert" else "per class", title_justify="left")
        for col in ("label", "P", "R", "F1", "support", "predicted"):
            detail.add_column(col, justify="left" if col == "label" else "right")
        for label, s in per.items():
            if s["support"] or s["n_pred"]:
                detail.add_row(
                    label, _pct(s["p"]), _pct(s["r"]), _pct(s["f1"]), str(s["support"]), str(s["n_pred"])
                )
        tables.append(detail)
    return tables
