"""The claim ledger: every assertion of the document at clause level, who it rests on, how sure
the text is of it, how worth checking it is, and its Admiralty grade.

What counts as one claim (the segmentation rule):

- each main clause: a sentence's root, and every clause coordinated with it or set beside it
  (``conj``, ``parataxis``) that has a subject of its own ("X crossed the border; they were
  summoned to ..." is two claims). Coordinated verbs sharing one subject stay one claim;
- each reported content: the clause or event noun a reporting frame reports (see
  `gossamer.claims.sources`), attributed to the frame's source, with the frames around it as the
  `chain`; sentences a quotation runs on into keep the quotation's speaker;
- not: adverbial, relative and participial clauses, clausal subjects and complements of
  non-reporting verbs. They qualify the claim they belong to ("because ...", "which ...", "to
  ensure ...") rather than assert something a reader could check on its own; splitting them
  would also cut the claim's own subject and time away from it.

A reporting clause ("officials said") is no claim of its own: its content is. A clause with a
verb of wanting or judging ("X wants to build a wall", "X criticised the plan") stays the
writer's claim about X. A verbless sentence (a headline, a dateline) is no claim.

Each claim's `mentions` are its content fragments (the cue and the source cut out); `text` joins
them. The items earlier stages found inside the fragments are listed by id (events by trigger).
Hedges (`gossamer.claims.hedging`) are read on the content, the cue and the source phrase
("critics say"), check-worthiness (`gossamer.claims.checkworthy`) on the content, and the grade
(`gossamer.claims.grade`) from the source type, the registry, the hedging and contradictions
between claims of the same document.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from ..claims.checkworthy import checkworthiness
from ..claims.grade import grade_claim, load_registry, load_rules
from ..claims.hedging import certainty, find_hedges
from ..claims.sources import Attribution, Tree, aside_lines, find_attributions, load_data, subtract, tree_of, trim
from ..events.tokens import TokenTable, token_table
from ..model import Analysis, Claim
from ..nlp import Parsed

_VERBAL = frozenset({"VERB", "AUX"})
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "NUM", "ADJ"})
_LIGHT = frozenset({"be", "have", "do", "get", "make", "say", "tell", "report", "-pron-"})
_NEGATORS = frozenset({"not", "n't", "never", "no"})


def _phrases(items: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({tuple(str(p).lower().split()) for p in items or ()}, key=len, reverse=True))


def _low(items: Any) -> frozenset[str]:
    return frozenset(str(v).lower() for v in items or ())


@dataclass(frozen=True)
class KindWords:
    """claims.yaml `kinds` and `clauses`."""

    wh: frozenset[str]
    question_cues: frozenset[str]
    marks: tuple[tuple[str, ...], ...]
    hypo_modals: frozenset[str]
    hypo_verbs: frozenset[str]
    future_aux: frozenset[str]
    future_phrases: dict[str, frozenset[str]]  # first word -> ("to",) continuations
    prediction_cues: frozenset[str]
    deontic: frozenset[str]
    opinion_verbs: frozenset[str]
    first_person: frozenset[str]
    eval_adjectives: frozenset[str]
    eval_nouns: frozenset[str]
    split_deps: frozenset[str]
    subject_deps: frozenset[str]


def kind_words() -> KindWords:
    data = load_data()
    k, cl = data["kinds"], data["clauses"]
    phrases: dict[str, set[str]] = {}
    for p in k["prediction"]["phrases"]:
        first, *rest = str(p).lower().split()
        phrases.setdefault(first, set()).add(" ".join(rest))
    return KindWords(
        wh=_low(k["question"]["wh"]),
        question_cues=_low(k["question"]["cues"]),
        marks=_phrases(k["hypothetical"]["marks"]),
        hypo_modals=_low(k["hypothetical"]["modals"]),
        hypo_verbs=_low(k["hypothetical"]["verbs"]),
        future_aux=_low(k["prediction"]["aux"]),
        future_phrases={w: frozenset(v) for w, v in phrases.items()},
        prediction_cues=_low(k["prediction"]["cues"]),
        deontic=_low(k["evaluative"]["modals"]),
        opinion_verbs=_low(k["evaluative"]["opinion_verbs"]),
        first_person=_low(k["evaluative"]["first_person"]),
        eval_adjectives=_low(k["evaluative"]["adjectives"]),
        eval_nouns=_low(k["evaluative"]["nouns"]),
        split_deps=_low(cl["split_deps"]),
        subject_deps=_low(cl["subject_deps"]),
    )


@dataclass
class _Draft:
    head: int
    frame: int | None  # index into the attributions
    frags: list[tuple[int, int]]
    kind: str = "factual"
    negative: bool = False
    stems: frozenset[str] = frozenset()
    claim: Claim | None = None
    source_key: str = "author"
    contradicted_by: list[str] = field(default_factory=list)


class ClaimStage:
    """Builds the claim ledger; runs after events and relations, before rhetoric."""

    name = "claims"

    def __init__(self) -> None:
        self.words = kind_words()
        load_rules()  # fail at start-up on a broken claims.yaml or registry, not on the first document
        load_registry()

    def __call__(self, analysis: Analysis, parsed: Parsed) -> None:
        if len(parsed.doc) == 0:
            return
        _Ledger(analysis, parsed, self.words).run()


class _Ledger:
    def __init__(self, analysis: Analysis, parsed: Parsed, words: KindWords) -> None:
        self.analysis = analysis
        self.parsed = parsed
        self.doc = parsed.doc
        self.text = analysis.document.text
        self.w = words
        self.t: TokenTable = token_table(parsed)
        self.tree: Tree = tree_of(parsed)
        self.frames: list[Attribution] = find_attributions(analysis, parsed)

    # ------------------------------------------------------------------ driver

    def run(self) -> None:
        drafts = self._drafts()
        if not drafts:
            return
        self._contradictions(drafts)
        registry = load_registry()
        names = {e.id: e.name for e in self.analysis.entities}
        items = _ItemIndex(self.analysis)
        for d in drafts:
            self._emit(d, items, registry, names)

    # ------------------------------------------------------------------ clauses

    def _drafts(self) -> list[_Draft]:
        t, tree, w = self.t, self.tree, self.w
        frames = self.frames
        by_root: dict[int, int] = {}
        cue_verbs: dict[int, int] = {}
        for k, f in enumerate(frames):
            if not f.assertive:
                continue
            if f.content:
                by_root.setdefault(f.root, k)
            if f.verb is not None and f.kind != "quote":
                cue_verbs.setdefault(f.verb, k)
        heads: set[int] = set()
        for lo, hi in t.sents:
            for i in range(lo, hi):
                if t.head[i] == i and t.pos[i] not in ("SPACE", "PUNCT"):
                    heads.add(i)
        heads.update(by_root)
        split: set[int] = set()
        stack = list(heads)
        while stack:
            h = stack.pop()
            for c in tree.children[h]:
                if c in heads or t.pos[c] not in _VERBAL:
                    continue
                if t.dep[c] not in w.split_deps and not self._semicolon_clause(c, h):
                    continue
                if tree.has_subject(c, w.subject_deps) or c in cue_verbs:
                    heads.add(c)
                    split.add(c)
                    stack.append(c)
        cut_heads = split | set(cue_verbs)
        asides = aside_lines(self.analysis.document.text)
        drafts = []
        for h in sorted(heads):
            if asides and any(a <= t.idx[h] < b for a, b in asides):
                continue  # "[Editor's note: ...]", "(Reporting by ...)": about the text, no claim
            k = by_root.get(h)
            if h in cue_verbs and (k is None or frames[cue_verbs[h]].root != h):
                continue  # "officials said": the reporting clause is no claim, its content is
            if k is None and t.pos[h] not in _VERBAL:
                continue  # a verbless sentence: a headline, a caption, a dateline
            frame = k if k is not None else self._frame_above(h, by_root, cue_verbs)
            if k is not None:
                frags = list(frames[k].content)
            else:
                frags = [tree.span(h)]
            cut = False
            for other in cut_heads:
                if other != h and frags and frags[0][0] <= other < frags[-1][1] and self._under(other, h):
                    frags = subtract(frags, tree.span(other))
                    cut = True
            if k is None:
                frags = trim(t, frags, cc=True)
            elif cut:  # "... since March 3 and [that he had no information]": no dangling "and"
                frags = [(a, _drop_tail(t, a, b)) for a, b in frags if _drop_tail(t, a, b) > a]
            frags = [fr for fr in frags if any(t.pos[x] not in ("PUNCT", "SPACE") for x in range(*fr))]
            if not frags or not any(
                t.pos[x] in _VERBAL or t.pos[x] in ("NOUN", "PROPN") for fr in frags for x in range(*fr)
            ):
                continue
            drafts.append(_Draft(h, frame, frags))
        for d in drafts:
            d.kind = self._kind(d)
            d.negative, d.stems = self._polarity(d)
        return drafts

    def _semicolon_clause(self, c: int, h: int) -> bool:
        """ "X was not deployed for tourism; they were summoned ...": a small parser may hang the
        first clause on the second as a complement; a semicolon between them says they are two."""
        t = self.t
        end = self.tree.right(c) + 1
        return c < h and t.dep[c] in ("ccomp", "advcl") and end < len(t.lower) and t.lower[end] == ";"

    def _under(self, k: int, root: int) -> bool:
        head = self.t.head
        for _ in range(64):
            if k == root:
                return True
            if head[k] == k:
                return False
            k = head[k]
        return False

    def _frame_above(self, h: int, by_root: dict[int, int], cue_verbs: dict[int, int]) -> int | None:
        """The frame reporting clause h: the nearest content root among h's ancestors."""
        t = self.t
        node = h
        for _ in range(64):
            if t.head[node] == node:
                return None
            node = t.head[node]
            if node in cue_verbs and node not in by_root:
                return None  # climbed onto a reporting clause from beside its content
            k = by_root.get(node)
            if k is not None:
                return k
        return None

    # ------------------------------------------------------------------ kinds

    def _kind(self, d: _Draft) -> str:
        t, tree, w = self.t, self.tree, self.w
        h = d.head
        f = self.frames[d.frame] if d.frame is not None else None
        cue = t.lemma[f.verb] if f is not None and f.verb is not None else ""
        end = d.frags[-1][1]
        first = d.frags[0][0]
        while first < end and t.lower[first] in ('"', "that"):
            first += 1
        # question: a question mark closes it, or a verb of asking reports it
        k = end - 1
        while k > first and t.lower[k] in ('"', ")"):
            k -= 1
        nxt = end
        while nxt < len(t.lower) and t.lower[nxt] in ('"', ")"):
            nxt += 1
        if t.lower[k] == "?" or (nxt < len(t.lower) and t.lower[nxt] == "?" and t.sent[nxt] == t.sent[h]):
            return "question"
        if cue in w.question_cues and t.lower[first] in w.wh | {"if"}:
            return "question"
        kids = tree.children[h]
        aux = {t.lower[c] for c in kids if t.dep[c] in ("aux", "auxpass")}
        # hypothetical: a condition on the clause, or a modal of possibility
        for c in kids:
            if t.dep[c] == "advcl" and self._conditional(c):
                return "hypothetical"
        if cue in w.hypo_verbs:
            return "hypothetical"
        reported = f is not None and f.kind in ("say", "belief", "quote", "deny")
        modal = aux & w.hypo_modals
        if modal and not (reported and modal <= {"would", "'d"}):
            return "hypothetical"
        # prediction: future auxiliary, "is expected to", or a verb of forecasting
        if aux & w.future_aux or (reported and modal):
            return "prediction"
        for x in (h, *(c for c in kids if t.dep[c] in ("acomp", "xcomp"))):
            conts = w.future_phrases.get(t.lower[x])
            if conts and x + 2 < len(t.lower) and t.lower[x + 1] in conts and t.pos[x + 2] in _VERBAL:
                return "prediction"
        if cue in w.prediction_cues:
            return "prediction"
        # evaluative: obligation, a first-person opinion, an attitude word as the predicate
        if aux & w.deontic:
            return "evaluative"
        if f is not None and f.source_type == "author" and cue in w.opinion_verbs:
            return "evaluative"
        if self._judging(h):
            return "evaluative"
        return "factual"

    def _conditional(self, clause: int) -> bool:
        t = self.t
        for c in self.tree.children[clause]:
            if t.dep[c] != "mark":
                continue
            for p in self.w.marks:
                lo = c - len(p) + 1
                if lo >= 0 and tuple(t.lower[lo : c + 1]) == p:
                    return True
        return False

    def _judging(self, h: int) -> bool:
        """The predicate judges: "X is shameful", "X is a disgrace", "the worst part is X"."""
        t, tree, w = self.t, self.tree, self.w
        adj, nouns = w.eval_adjectives, w.eval_nouns
        for c in tree.children[h]:
            dep = t.dep[c]
            if dep in ("acomp", "oprd") and t.lemma[c] in adj:
                return True
            if dep == "attr":
                if t.lemma[c] in nouns or t.lemma[c] in adj:
                    return True
                if any(t.dep[g] == "amod" and t.lemma[g] in adj for g in tree.children[c]):
                    return True
            if (
                dep in ("nsubj", "csubj")
                and t.lemma[h] == "be"
                and any(t.dep[g] == "amod" and t.lemma[g] in adj for g in tree.children[c])
            ):
                return True
        return False

    # ------------------------------------------------------------------ contradictions

    def _polarity(self, d: _Draft) -> tuple[bool, frozenset[str]]:
        t = self.t
        f = self.frames[d.frame] if d.frame is not None else None
        neg = any(t.dep[c] == "neg" or t.lower[c] in _NEGATORS for c in self.tree.children[d.head])
        if f is not None and f.kind == "deny":
            neg = not neg
        stems = frozenset(
            t.lemma[x]
            for s, e in d.frags
            for x in range(s, e)
            if t.pos[x] in _CONTENT_POS and t.lemma[x] not in _LIGHT and t.lower[x] not in _NEGATORS
        )
        return neg, stems

    def _contradictions(self, drafts: list[_Draft]) -> None:
        """Claims of the same document that state a proposition and its negation, from different sources."""
        rules = load_rules()
        for d in drafts:
            f = self.frames[d.frame] if d.frame is not None else None
            d.source_key = _source_key(f, self.text, self.t)
        facts = [d for d in drafts if d.kind == "factual" and len(d.stems) >= rules.min_shared]
        for i, a in enumerate(facts):
            for b in facts[i + 1 :]:
                if a.negative == b.negative or a.source_key == b.source_key:
                    continue
                shared = len(a.stems & b.stems)
                if shared >= rules.min_shared and shared >= rules.same_proposition * min(
                    len(a.stems), len(b.stems)
                ):
                    a.contradicted_by.append(_source_label(b, self.frames, self.text, self.t))
                    b.contradicted_by.append(_source_label(a, self.frames, self.text, self.t))

    # ------------------------------------------------------------------ output

    def _emit(self, d: _Draft, items: _ItemIndex, registry: Any, names: dict[str, str]) -> None:
        t, text, doc = self.t, self.text, self.doc
        mentions = [[t.idx[s], t.end[e - 1]] for s, e in d.frags]
        body = " ".join(text[s:e] for s, e in mentions)
        c0, c1 = d.frags[0][0], d.frags[-1][1]
        # the sentence(s) of the content: a closing quotation mark may sit in the next one
        lo, hi = t.sents[min(t.sent[c0], t.sent[d.head])][0], t.sents[max(t.sent[c1 - 1], t.sent[d.head])][1]
        while hi - 1 > lo and t.pos[hi - 1] == "SPACE":
            hi -= 1
        while lo < hi - 1 and t.pos[lo] == "SPACE":
            lo += 1
        f = self.frames[d.frame] if d.frame is not None else None
        source_type = f.source_type if f is not None else "author"
        source = cue = None
        chain: list[dict[str, Any]] = []
        hedges = _hedge_dicts(find_hedges(doc[c0:c1], self.parsed), d.frags, t)
        if f is not None:
            cue = _cue(f, text, t)
            source = _source(f, text, t)
            # the frame's own words hedge too ("reportedly", "critics say"): the cue and the
            # source, read together when they stand side by side outside the content
            spans = [f.cue] if f.source is None else [f.cue, f.source]
            joint = (min(x[0] for x in spans), max(x[1] for x in spans))
            if joint[1] - joint[0] <= sum(x[1] - x[0] for x in spans) + 1 and not any(
                s < joint[1] and joint[0] < e for s, e in d.frags
            ):
                spans = [joint]
            extra = []
            for a, b in spans:
                extra += [h.as_dict() for h in find_hedges(doc[a:b], self.parsed)]
            seen = {tuple(h["mention"]) for h in hedges}
            hedges += [h for h in extra if tuple(h["mention"]) not in seen]
            chain = self._chain(f)
        sure = certainty(hedges)
        score, features = checkworthiness(doc[c0:c1], self.analysis, self.parsed)
        ids = items.inside(mentions)
        entity = (source or {}).get("entity")
        grade = grade_claim(
            d.kind,
            source_type,
            source,
            self.analysis.document,
            sure,
            hedges,
            chain,
            d.contradicted_by,
            registry,
            names.get(entity) if entity else None,
        )
        self.analysis.new(
            Claim,
            *mentions[0],
            kind=d.kind,
            text=body,
            sentence=[t.idx[lo], t.end[hi - 1]],
            source_type=source_type,
            source=source,
            cue=cue,
            chain=chain,
            hedges=hedges,
            certainty=sure,
            checkworthiness=score,
            check_features=features,
            entities=ids["entities"],
            places=ids["places"],
            times=ids["times"],
            quantities=ids["quantities"],
            events=ids["events"],
            grade=grade,
        ).mentions[:] = mentions

    def _chain(self, f: Attribution) -> list[dict[str, Any]]:
        out = []
        seen = set()
        k = f.parent
        while k is not None and k not in seen:
            seen.add(k)
            g = self.frames[k]
            link = _source(g, self.text, self.t) or {
                "text": None,
                "mention": None,
                "entity": None,
                "role": None,
            }
            link = {**link, "source_type": g.source_type, "cue": _cue(g, self.text, self.t)}
            out.append(link)
            k = g.parent
        out.reverse()  # outermost first
        return out


# --------------------------------------------------------------------------- helpers


class _ItemIndex:
    """Every item mention sorted by start, to list the items inside a claim with a bisect."""

    KINDS = ("entities", "places", "times", "quantities", "events")

    def __init__(self, analysis: Analysis) -> None:
        self.rows: dict[str, tuple[list[int], list[tuple[int, int, str]]]] = {}
        for kind in self.KINDS:
            rows = []
            for item in getattr(analysis, kind):
                if kind == "places" and not item.literal:
                    continue  # a demonym reference is not where the claim is about
                ms = item.mentions[:1] if kind == "events" else item.mentions  # an event by its trigger
                rows += [(s, e, item.id) for s, e in ms]
            rows.sort()
            self.rows[kind] = ([r[0] for r in rows], rows)

    def inside(self, spans: list[list[int]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for kind, (starts, rows) in self.rows.items():
            found: dict[str, None] = {}
            for s, e in spans:
                for k in range(bisect_left(starts, s), len(rows)):
                    rs, re_, rid = rows[k]
                    if rs >= e:
                        break
                    if re_ <= e:
                        found[rid] = None
            out[kind] = list(found)
        return out


def _drop_tail(t: TokenTable, a: int, b: int) -> int:
    """The end of a fragment less a conjunction, comma or space the cut left at its end."""
    while b > a and (t.pos[b - 1] in ("CCONJ", "SPACE") or t.lower[b - 1] in (",", ";")):
        b -= 1
    return b


def _hedge_dicts(hedges: list[Any], frags: list[tuple[int, int]], t: TokenTable) -> list[dict[str, Any]]:
    """Hedges whose words lie in the claim's fragments (not in a clause cut out of the middle)."""
    spans = [(t.idx[s], t.end[e - 1]) for s, e in frags]
    return [h.as_dict() for h in hedges if any(s <= h.mention[0] and h.mention[1] <= e for s, e in spans)]


def _cue(f: Attribution, text: str, t: TokenTable) -> dict[str, Any]:
    s, e = t.idx[f.cue[0]], t.end[f.cue[1] - 1]
    return {"text": text[s:e], "mention": [s, e]}


def _source(f: Attribution, text: str, t: TokenTable) -> dict[str, Any] | None:
    if f.source is None:
        return None
    s, e = t.idx[f.source[0]], t.end[f.source[1] - 1]
    return {"text": text[s:e], "mention": [s, e], "entity": f.entity, "role": f.role}


def _source_key(f: Attribution | None, text: str, t: TokenTable) -> str:
    if f is None or f.source_type == "author":
        return "author"
    if f.entity:
        return f.entity
    if f.source is None:
        return f"anonymous:{f.cue[0]}"
    return text[t.idx[f.source[0]] : t.end[f.source[1] - 1]].lower()


def _source_label(d: _Draft, frames: list[Attribution], text: str, t: TokenTable) -> str:
    f = frames[d.frame] if d.frame is not None else None
    if f is None or f.source_type == "author":
        return "the writer"
    if f.source is None:
        return "an unnamed source"
    return '"' + " ".join(text[t.idx[f.source[0]] : t.end[f.source[1] - 1]].split()) + '"'
