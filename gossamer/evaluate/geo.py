"""Geoparsing evaluation: read gold toponym corpora, run gossamer, score places.

Formats (found from the content, never the file name):

* ``lgl`` -- ``<articles><article docid><text/><toponyms><toponym><start/><end/><phrase/>
  <gaztag geonameid><lat/><lon/></gaztag>``. LGL uses it; toponyms without a ``gaztag`` have
  no coordinates and are scored for recognition only.
* ``geovirus`` -- ``<article><source/><text/><locations><location><name/><start/><end/>
  <lat/><lon/>``; a ``location`` may nest inside another and both are read.
* ``gwn`` -- GeoWebNews: ``<toponym><extractedName/><type/><start/><end/>[<geonamesID/>
  <latitude/><longitude/>]``. Spans carry the fine-grained types of Gritta et al.'s pragmatic
  taxonomy, including non-toponym expressions. Gold toponyms are the five *literal* types and
  the six *associative* types of that taxonomy (Gritta, Pilehvar & Collier 2020, LREV 54,
  Table 1); ``Literal_Expression``, ``Non_Lit_Expression`` and ``Non_Toponym`` are not
  toponyms and are skipped. Demonyms, languages and homonyms have no coordinates in GWN and
  count for recognition only.
* ``brat`` -- a folder of BRAT ``.txt``/``.ann`` pairs (GeoWebNews' other release). Its
  annotator notes hold a GeoNames id *or* a "lat, lon" pair, so most spans lack coordinates:
  for GeoWebNews prefer ``GWN.xml``, which a folder holding XML files is read from.

Offsets are checked against the text: a span whose text is not the annotated phrase is looked
for within +-5 characters (GeoVirus' offsets are all one character late), then compared with
whitespace collapsed; what still does not match is dropped and counted.

Scores:

* Recognition: P/R/F1 of predicted place mentions against gold toponym spans, exact and
  overlapping (see `gossamer.evaluate.scoring`). One rule for every corpus: the predictions are
  all of the stage's place items, literal places *and* demonym references (``role`` "demonym":
  "Iraqi", "the Russians"), since a demonym is a reference to a place and the annotation schemes
  differ in whether they count it (GeoWebNews does, as an associative toponym; LGL mostly does;
  GeoVirus does not, so there demonym references are false positives). ``recognition.literal``
  gives the same figures for literal places alone, so both readings are on record.
* Resolution, over gold toponyms with coordinates only. An error is the great-circle distance
  in km between gold and predicted coordinates; a toponym scored but left without coordinates
  gets the maximum error, 20039 km (as in Gritta et al.). *gold_spans* mode scores every gold
  toponym with coordinates -- the fair comparison across systems. *end_to_end* mode scores the
  gold toponyms that a predicted place mention overlaps (the common convention; it flatters a
  system that recognises only easy names, so ``n_scored`` is reported beside it and
  ``recall161`` gives hits within 161 km over all gold toponyms with coordinates).
* acc161: share of errors <= 161 km (100 miles). AUC: with errors e_1 <= ... <= e_n,
  y_i = ln(1 + e_i), AUC = trapz(y, dx=1) / ((n - 1) * ln 20039), i.e. the area under the
  sorted log-error curve over the area of the worst curve; 0 is perfect, lower is better
  (Gritta et al. 2018, "Which Melbourne?"). With one error it is y_1 / ln 20039.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .scoring import SpanCounts, best_overlap, exact_counts, overlap_counts

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
MAX_ERROR_KM = 20039.0  # the worst error, as used for the AUC scale by Gritta et al.
ACC_KM = 161.0  # 100 miles: the usual "accurate" threshold
REPAIR_WINDOW = 5

GWN_LITERAL_TYPES = frozenset({"Literal", "Literal_Modifier", "Mixed", "Coercion", "Embedded_Literal"})
GWN_ASSOCIATIVE_TYPES = frozenset(
    {"Metonymic", "Non_Literal_Modifier", "Embedded_Non_Lit", "Demonym", "Language", "Homonym"}
)
GWN_TOPONYM_TYPES = GWN_LITERAL_TYPES | GWN_ASSOCIATIVE_TYPES


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    name: str
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    type: str | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def has_coords(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class GoldDoc:
    id: str
    text: str
    toponyms: list[GoldToponym] = field(default_factory=list)


@dataclass
class OffsetStats:
    """How the annotated offsets held up against the text."""

    checked: int = 0
    exact: int = 0
    repaired: int = 0  # found within the repair window or after whitespace trimming
    dropped: int = 0  # phrase not found near its offsets: left out of the gold
    duplicates: int = 0  # same span annotated twice: kept once

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


class GoldCorpus(list[GoldDoc]):
    """The documents of a corpus, with where they came from and how the offsets fared."""

    def __init__(self, docs: Iterable[GoldDoc] = (), name: str = "", format: str = "") -> None:
        super().__init__(docs)
        self.name = name
        self.format = format
        self.offsets = OffsetStats()


# --------------------------------------------------------------------------- reading


def read_corpus(path: str | Path, gwn_types: frozenset[str] = GWN_TOPONYM_TYPES) -> GoldCorpus:
    """Every document of a corpus file, or of the XML files (else BRAT pairs) in a folder.

    Raises ValueError when the format is not one of those known, FileNotFoundError when the
    path does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(str(path))
    corpus = GoldCorpus(name=_corpus_name(path))
    formats: list[str] = []
    for source in _sources(path):
        if source.is_dir():
            docs = _read_brat(source, corpus.offsets, gwn_types)
            formats.append("brat")
        else:
            root = _parse_xml(source)
            fmt = detect_format(root)
            formats.append(fmt)
            docs = _XML_READERS[fmt](root, corpus.offsets, gwn_types)
        corpus.extend(docs)
    corpus.format = "+".join(dict.fromkeys(formats))
    if corpus.format == "brat":  # keep its results apart from the same corpus read from XML
        corpus.name += "-brat"
    return corpus


def _corpus_name(path: Path) -> str:
    stem = path.stem if path.is_file() else path.name
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "corpus"


def _sources(path: Path) -> list[Path]:
    """Files to read: the file itself; a folder's XML files; else the folder as BRAT; else subfolders."""
    if path.is_file():
        return [path]
    xml = sorted(p for p in path.iterdir() if p.is_file() and _looks_like_xml(p))
    if xml:
        return xml
    if any(p.suffix == ".ann" for p in path.iterdir()):
        return [path]
    found = [s for sub in sorted(p for p in path.iterdir() if p.is_dir()) for s in _sources(sub)]
    if not found:
        raise ValueError(f"{path}: no XML corpus file or BRAT .ann/.txt pairs found")
    return found


def _looks_like_xml(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def _parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"{path}: not a readable XML corpus ({exc})") from None


def detect_format(root: ET.Element) -> str:
    """'lgl', 'gwn' or 'geovirus', from which elements the articles hold."""
    articles = root.findall("article") if root.tag != "article" else [root]
    if not articles:
        raise ValueError(f"unknown corpus format: root <{root.tag}> holds no <article>")
    if root.find(".//toponym/extractedName") is not None:
        return "gwn"
    if root.find(".//toponym/phrase") is not None or root.find(".//toponym/gaztag") is not None:
        return "lgl"
    if root.find(".//locations") is not None or root.find(".//location/name") is not None:
        return "geovirus"
    if root.find(".//toponyms") is not None:  # articles without any toponym: LGL-style shell
        return "lgl"
    raise ValueError("unknown corpus format: articles hold neither <toponyms> nor <locations>")


def _num(text: str | None, cast: Callable[[str], Any]) -> Any:
    if text is None or not text.strip():
        return None
    try:
        return cast(text.strip())
    except ValueError:
        return None


def _geonames_id(text: str | None) -> int | None:
    return _num(text, lambda s: int(float(s)))


def repair_span(text: str, start: int, end: int, phrase: str, window: int = REPAIR_WINDOW) -> tuple[int, int] | None:
    """Offsets whose text is `phrase`: as given, shifted by up to `window`, or trimmed; else None."""
    if 0 <= start <= end <= len(text) and text[start:end] == phrase:
        return (start, end)
    n = len(phrase)
    if n:
        for d in sorted(range(-window, window + 1), key=lambda d: (abs(d), d)):
            s = start + d
            if 0 <= s and s + n <= len(text) and text[s : s + n] == phrase:
                return (s, s + n)
    # whitespace differences: compare with runs collapsed, then trim the span to its words
    if 0 <= start < end <= len(text) and " ".join(text[start:end].split()) == " ".join(phrase.split()):
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        return (s, e) if s < e else None
    return None


def _add(
    doc: GoldDoc,
    stats: OffsetStats,
    seen: dict[tuple[int, int], int],
    start: int | None,
    end: int | None,
    phrase: str,
    **attrs: Any,
) -> None:
    stats.checked += 1
    span = None if start is None or end is None else repair_span(doc.text, start, end, phrase)
    if span is None:
        stats.dropped += 1
        return
    if span == (start, end):
        stats.exact += 1
    else:
        stats.repaired += 1
    top = GoldToponym(span[0], span[1], doc.text[span[0] : span[1]], **attrs)
    if span in seen:  # one span annotated twice: keep the reading that has coordinates
        stats.duplicates += 1
        i = seen[span]
        if not doc.toponyms[i].has_coords and top.has_coords:
            doc.toponyms[i] = top
        return
    seen[span] = len(doc.toponyms)
    doc.toponyms.append(top)


def _read_lgl(root: ET.Element, stats: OffsetStats, _types: frozenset[str]) -> list[GoldDoc]:
    docs = []
    for n, art in enumerate(root.iter("article")):
        doc = GoldDoc(id=art.get("docid") or str(n), text=art.findtext("text") or "")
        seen: dict[tuple[int, int], int] = {}
        for top in art.iter("toponym"):
            gaz = top.find("gaztag")
            attrs: dict[str, Any] = {}
            if gaz is not None:
                attrs = {
                    "lat": _num(gaz.findtext("lat"), float),
                    "lon": _num(gaz.findtext("lon"), float),
                    "geonames_id": _geonames_id(gaz.get("geonameid")),
                }
            _add(doc, stats, seen, _num(top.findtext("start"), int), _num(top.findtext("end"), int),
                 top.findtext("phrase") or "", **attrs)
        docs.append(doc)
    return docs


def _read_geovirus(root: ET.Element, stats: OffsetStats, _types: frozenset[str]) -> list[GoldDoc]:
    docs = []
    for n, art in enumerate(root.iter("article")):
        doc = GoldDoc(id=art.findtext("source") or str(n), text=art.findtext("text") or "")
        seen: dict[tuple[int, int], int] = {}
        for loc in art.iter("location"):  # iter() also reaches locations nested in a location
            _add(doc, stats, seen, _num(loc.findtext("start"), int), _num(loc.findtext("end"), int),
                 loc.findtext("name") or "",
                 lat=_num(loc.findtext("lat"), float), lon=_num(loc.findtext("lon"), float))
        docs.append(doc)
    return docs


def _read_gwn(root: ET.Element, stats: OffsetStats, types: frozenset[str]) -> list[GoldDoc]:
    docs = []
    for n, art in enumerate(root.iter("article")):
        doc = GoldDoc(id=art.get("file") or str(n), text=art.findtext("text") or "")
        seen: dict[tuple[int, int], int] = {}
        for top in art.iter("toponym"):
            kind = (top.findtext("type") or "").strip()
            if kind not in types:
                continue
            _add(doc, stats, seen, _num(top.findtext("start"), int), _num(top.findtext("end"), int),
                 top.findtext("extractedName") or "",
                 lat=_num(top.findtext("latitude"), float), lon=_num(top.findtext("longitude"), float),
                 geonames_id=_geonames_id(top.findtext("geonamesID")), type=kind)
        docs.append(doc)
    return docs


_XML_READERS: dict[str, Callable[[ET.Element, OffsetStats, frozenset[str]], list[GoldDoc]]] = {
    "lgl": _read_lgl,
    "geovirus": _read_geovirus,
    "gwn": _read_gwn,
}

_LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


def _read_brat(folder: Path, stats: OffsetStats, types: frozenset[str] = GWN_TOPONYM_TYPES) -> list[GoldDoc]:
    """BRAT pairs, in numeric-then-name order of their stems; discontinuous spans are hulled."""

    def order(p: Path) -> tuple[int, int | str]:
        return (0, int(p.stem)) if p.stem.isdigit() else (1, p.stem)

    docs = []
    for ann in sorted(folder.glob("*.ann"), key=order):
        txt = ann.with_suffix(".txt")
        if not txt.exists():
            continue
        doc = GoldDoc(id=ann.stem, text=txt.read_text(encoding="utf-8"))
        spans: dict[str, tuple[str, int, int, str]] = {}
        notes: dict[str, str] = {}
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            if parts[0].startswith("T") and len(parts) >= 3:
                kind, _, offsets = parts[1].partition(" ")
                nums = [int(x) for x in re.findall(r"\d+", offsets)]
                if nums:
                    spans[parts[0]] = (kind, min(nums), max(nums), parts[2])
            elif parts[0].startswith("#") and len(parts) >= 3:
                target = parts[1].split(" ")[-1]
                notes[target] = parts[2]
        seen: dict[tuple[int, int], int] = {}
        for tid, (kind, start, end, phrase) in sorted(spans.items(), key=lambda kv: kv[1][1:3]):
            if kind not in types:
                continue
            note = notes.get(tid, "").strip()
            attrs: dict[str, Any] = {"type": kind}
            if m := _LATLON.match(note):
                attrs["lat"], attrs["lon"] = float(m.group(1)), float(m.group(2))
            elif note.isdigit():
                attrs["geonames_id"] = int(note)
            _add(doc, stats, seen, start, end, phrase, **attrs)
        docs.append(doc)
    return docs


# --------------------------------------------------------------------------- metrics


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def auc_log_error(errors_km: Sequence[float]) -> float | None:
    """Area under the sorted ln(1 + error) curve over that of the all-worst curve (0 best, 1 worst)."""
    if not errors_km:
        return None
    ys = [math.log1p(min(max(e, 0.0), MAX_ERROR_KM)) for e in sorted(errors_km)]
    scale = math.log(MAX_ERROR_KM)
    if len(ys) == 1:
        return ys[0] / scale
    area = sum((a + b) / 2 for a, b in zip(ys, ys[1:]))  # trapezoids of width 1
    return area / ((len(ys) - 1) * scale)


def resolution_summary(errors_km: Sequence[float], n_resolved: int, n_gold_with_coords: int) -> dict[str, Any]:
    """acc161, median and mean error, AUC over the scored errors; recall161 over all gold."""
    n = len(errors_km)
    hits = sum(1 for e in errors_km if e <= ACC_KM)
    return {
        "acc161": round(hits / n, 4) if n else None,
        "median_km": round(statistics.median(errors_km), 1) if n else None,
        "mean_km": round(statistics.fmean(errors_km), 1) if n else None,
        "auc": round(auc, 4) if (auc := auc_log_error(errors_km)) is not None else None,
        "n_scored": n,
        "n_resolved": n_resolved,
        "recall161": round(hits / n_gold_with_coords, 4) if n_gold_with_coords else None,
    }


def place_error(gold: GoldToponym, place: Any | None) -> float:
    """Distance from gold to a predicted place; the maximum when there is none or it has no point."""
    if place is None or getattr(place, "lat", None) is None or getattr(place, "lon", None) is None:
        return MAX_ERROR_KM
    return min(haversine_km(gold.lat, gold.lon, place.lat, place.lon), MAX_ERROR_KM)  # type: ignore[arg-type]


@dataclass
class GeoScore:
    """Running totals over documents; `score_doc` adds one, `as_dict` reports."""

    exact: SpanCounts = field(default_factory=SpanCounts)
    overlap: SpanCounts = field(default_factory=SpanCounts)
    literal: SpanCounts = field(default_factory=SpanCounts)  # exact, literal places only
    errors_km: list[float] = field(default_factory=list)
    n_resolved: int = 0
    n_docs: int = 0
    n_gold: int = 0
    n_gold_with_coords: int = 0

    def score_doc(self, gold: GoldDoc, places: Sequence[Any], resolved: Sequence[Any | None] | None = None) -> None:
        """Add one document.

        `places` are predicted items with `mentions`, `lat`, `lon`. `resolved`, when given,
        holds one place-or-None per gold toponym (gold_spans mode) and every gold toponym with
        coordinates is scored; without it, those that some predicted mention overlaps are.
        """
        self.n_docs += 1
        gold_spans = [t.span for t in gold.toponyms]
        mentions: list[tuple[int, int]] = []
        owner: list[Any] = []
        for place in places:
            for m in place.mentions:
                span = (int(m[0]), int(m[1]))
                if span not in mentions:
                    mentions.append(span)
                    owner.append(place)
        self.exact += exact_counts(gold_spans, mentions)
        literal = [m for m, p in zip(mentions, owner) if getattr(p, "role", "literal") == "literal"]
        self.literal += exact_counts(gold_spans, literal)
        self.overlap += overlap_counts(gold_spans, mentions)
        self.n_gold += len(gold_spans)
        for i, top in enumerate(gold.toponyms):
            if not top.has_coords:
                continue
            self.n_gold_with_coords += 1
            if resolved is not None:
                place = resolved[i]
            else:
                j = best_overlap(top.span, mentions)
                if j is None:
                    continue  # not recognised: outside the end-to-end resolution score
                place = owner[j]
            if place is not None and getattr(place, "lat", None) is not None:
                self.n_resolved += 1
            self.errors_km.append(place_error(top, place))

    def as_dict(self) -> dict[str, Any]:
        rec = self.exact.as_dict()
        rec["overlap"] = self.overlap.as_dict()
        rec["literal"] = self.literal.as_dict()
        return {
            "n_docs": self.n_docs,
            "n_gold": self.n_gold,
            "n_gold_with_coords": self.n_gold_with_coords,
            "recognition": rec,
            "resolution": resolution_summary(self.errors_km, self.n_resolved, self.n_gold_with_coords),
        }


# --------------------------------------------------------------------------- running


def _results_dir() -> Path:
    """bench/results of the checkout this package runs from, else of the working directory."""
    root = Path(__file__).resolve().parents[2]
    return (root if (root / "bench").is_dir() else Path.cwd()) / "bench" / "results"


def _place_pipeline() -> Any:
    """A Pipeline with the stages up to and including places: later stages cannot change places."""
    from ..pipeline import DEFAULT_STAGES, Pipeline, load_stage

    specs = list(DEFAULT_STAGES)
    cut = next((i for i, s in enumerate(specs) if s.endswith(":PlaceStage")), None)
    if cut is None:
        raise RuntimeError("the pipeline has no places stage")
    try:
        stages = [load_stage(s) for s in specs[: cut + 1]]
    except (ImportError, AttributeError) as exc:
        raise RuntimeError(f"the places stage is not available: {exc}") from exc
    return Pipeline(stages=stages)


def run_geo_eval(
    path: str | Path,
    gold_spans: bool = False,
    limit: int | None = None,
    out_dir: str | Path | None = None,
    progress: bool = True,
    warn: Callable[[str], None] | None = None,
    pipeline: Any | None = None,
) -> dict[str, Any]:
    """Analyse every document of a gold corpus with gossamer and score its places.

    Writes the result as JSON to ``<out_dir>/eval-geo-<corpus>-<mode>.json`` (out_dir defaults
    to bench/results) and returns it. `pipeline` may be passed to reuse a loaded one (tests).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ..model import Document
    from ..nlp import parse_many

    err = Console(stderr=True, highlight=False)
    warn = warn or (lambda msg: err.print(f"gossamer eval geo: warning: {msg}", markup=False))
    corpus = read_corpus(path)
    docs = corpus[:limit] if limit else list(corpus)
    mode = "gold_spans" if gold_spans else "end_to_end"
    warnings: list[str] = []
    if corpus.offsets.dropped or corpus.offsets.repaired:
        o = corpus.offsets
        warnings.append(f"offsets: {o.repaired} repaired, {o.dropped} dropped of {o.checked}")

    pipeline = pipeline or _place_pipeline()
    resolver = None
    if gold_spans:
        place_stage = next((s for s in pipeline.stages if type(s).__name__ == "PlaceStage"), None)
        resolver = getattr(place_stage, "resolve_spans", None)
        if resolver is None:
            msg = "PlaceStage.resolve_spans is missing: gold spans are resolved by the overlapping predicted place"
            warnings.append(msg)
            warn(msg)

    score = GeoScore()
    t0 = time.perf_counter()
    with Progress(
        TextColumn("[bold]eval geo[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not progress,
        transient=True,
    ) as bar:
        task = bar.add_task(corpus.name, total=len(docs))
        parsed_iter = parse_many(pipeline.nlp, (d.text for d in docs), batch_size=16)
        for gold, parsed in zip(docs, parsed_iter):
            analysis = pipeline.run_stages(Document(text=gold.text, language="en", id=gold.id), parsed)
            resolved = None
            if gold_spans:
                spans = [t.span for t in gold.toponyms]
                if resolver is not None:
                    resolved = list(resolver(analysis, parsed, spans))
                else:
                    resolved = _fallback_resolve(spans, analysis.places)
            score.score_doc(gold, analysis.places, resolved)
            bar.advance(task)
    seconds = time.perf_counter() - t0

    result: dict[str, Any] = {"task": "geo", "corpus": corpus.name, "format": corpus.format, "mode": mode}
    result.update(score.as_dict())
    result["offsets"] = corpus.offsets.as_dict()
    result["seconds"] = round(seconds, 2)
    result["limit"] = limit
    result["warnings"] = warnings
    out = Path(out_dir) if out_dir is not None else _results_dir()
    out.mkdir(parents=True, exist_ok=True)
    (out / f"eval-geo-{corpus.name}-{mode}.json").write_text(
        json.dumps(result, indent=2) + "\n", encoding="utf-8"
    )
    return result


def _fallback_resolve(spans: Sequence[tuple[int, int]], places: Sequence[Any]) -> list[Any | None]:
    """Per gold span, the predicted place whose mention overlaps it most, else None."""
    mentions = [(int(m[0]), int(m[1])) for p in places for m in p.mentions]
    owner = [p for p in places for _ in p.mentions]
    out: list[Any | None] = []
    for span in spans:
        j = best_overlap(span, mentions)
        out.append(owner[j] if j is not None else None)
    return out

