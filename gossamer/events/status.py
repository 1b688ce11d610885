"""How real an event is, as the text tells it: status, reporting frame, background.

Status is read off the path from the trigger up the parse: negation on its verb; a modal or a
conditional ("might", "if"); a verb of planning, threatening, asking or denying that governs it;
a purpose infinitive; and, when nothing else applies, a reporting frame (claimed). The strongest
reading wins, in this order: denied, negated, threatened, hypothetical, planned, claimed, asserted.

Background (historical) events are those whose time ended well before publication, or that sit in
a clause with a background marker ("years ago", past perfect with an old date, "since 2003").
"""

from __future__ import annotations

from datetime import date, timedelta

from ..attribution import Cues, Frame, Frames
from ..model import Time
from .lexicon import Lexicon
from .syntax import VERBAL
from .tokens import Node, TokenTable

ORDER = ("denied", "negated", "threatened", "hypothetical", "planned", "claimed", "asserted")
# relations through which a governing verb's modality reaches the event below it
_PROPAGATE = frozenset({"xcomp", "conj", "advcl", "pcomp", "prep", "pobj", "dobj", "acl"})
_EFFECT = frozenset({"xcomp", "ccomp", "dobj", "prep", "pobj", "pcomp", "acl", "nsubjpass", "advcl"})


def _aux_words(verb: Node) -> list[str]:
    """Modal and future auxiliaries of a verb ("would", "will", "'ll")."""
    return [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass") and c.tag_ == "MD"]


def irrealis(verb: Node, cues: Cues) -> bool:
    """Whether a clause is future or modal ("it would strike", "will respond")."""
    return any(w in cues.future or w in cues.hypothetical_aux for w in _aux_words(verb))


def event_status(
    trigger: Node, anchor: Node, frames: Frames, cues: Cues
) -> tuple[str, Frame | None, int, str]:
    """(status, nearest frame, frame chain length, why)."""
    flags: dict[str, str] = {}
    frame, chain = frames.lookup(trigger)
    if frame is not None and frame.source_type == "author":
        frame = None

    def flag(status: str, why: str) -> None:
        flags.setdefault(status, why)

    # the trigger's own verb (or the verb a noun trigger depends on)
    if any(c.dep_ == "neg" for c in anchor.children) or any(c.dep_ == "neg" for c in trigger.children):
        flag("negated", f"negation on '{anchor.text}'")
    if trigger.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no" for c in trigger.children):
        flag("negated", "'no' before the noun")
    for word in _aux_words(anchor):
        if word in cues.future:
            flag("planned", f"'{word}'")
        elif word in cues.hypothetical_aux:
            if word in cues.reported_would and frame is not None:
                flag("planned", f"'{word}' in reported speech")
            else:
                flag("hypothetical", f"modal '{word}'")
    if anchor.dep_ == "xcomp" and anchor.head.lower_ in cues.plan_heads:  # "is set to", "going to"
        flag("planned", f"'{anchor.head.text} to'")
    if anchor.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in anchor.children):
        flag("planned", "purpose clause")
    _marks(anchor, cues, flag)

    # verbs above it
    node = trigger
    rel = ""
    report_noun = False
    for _ in range(30):
        if node.head.i == node.i:
            break
        rel = node.dep_
        child = node
        parent = node.head
        node = parent
        if parent.pos_ not in VERBAL:
            if parent.lemma_.lower() in cues.deny_report_nouns and rel in ("acl", "ccomp", "relcl"):
                report_noun = True
            continue
        lemma = parent.lemma_.lower()
        if parent.i == trigger.i:
            continue
        if rel in _EFFECT:
            if lemma in cues.deny and (
                rel == "ccomp" or report_noun or rel == "dobj" and lemma not in cues.negating
            ):
                flag("denied", f"under '{parent.text}'")
            elif lemma in cues.negating and rel in ("xcomp", "dobj", "prep", "pcomp"):
                flag("negated", f"under '{parent.text}'")
            # "threatened to close", "warned it would strike"; but "warned that X attacked" reports
            if lemma in cues.threat and (rel != "ccomp" or irrealis(child, cues)):
                flag("threatened", f"under '{parent.text}'")
            if lemma in cues.irrealis:
                flag("hypothetical", f"asked for under '{parent.text}'")
            if lemma in cues.plan:
                flag("planned", f"under '{parent.text}'")
        if rel in _PROPAGATE and parent.i != anchor.i:
            for word in _aux_words(parent):
                if word in cues.hypothetical_aux and word not in cues.future:
                    if not (word in cues.reported_would and frame is not None):
                        flag("hypothetical", f"modal '{word}' on '{parent.text}'")
                elif word in cues.future:
                    flag("planned", f"'{word}' on '{parent.text}'")
            if rel == "advcl":
                _marks(parent, cues, flag)
    if frame is not None:
        flag("claimed", f"reported: cue '{frame.cue_lemma}'")
    for status in ORDER:
        if status in flags:
            return status, frame, chain, flags[status]
    return "asserted", frame, chain, ""


def _marks(verb: Node, cues: Cues, flag) -> None:
    """A conditional subordinator on the verb: "if", "unless", "in case", "provided that"."""
    lower = verb.table.lower
    for c in verb.children:
        if c.dep_ != "mark":
            continue
        for phrase in cues.hypothetical_marks:
            n = len(phrase)
            lo = c.i - n + 1
            if lo >= 0 and tuple(lower[lo : c.i + 1]) == phrase:
                flag("hypothetical", f"'{' '.join(phrase)}' clause")
                return


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def historical(
    time: Time | None,
    anchor: Node,
    clause: list[int],
    published: date | None,
    lex: Lexicon,
    table: TokenTable,
) -> str:
    """Why the event is background ("" when it is not)."""
    cfg = lex.historical
    if time is not None and published is not None:
        end = parse_date(time.end)
        start = parse_date(time.start)
        if end is not None and end < published - timedelta(days=int(cfg["max_age_days"])):
            return f"time '{time.text}' ends {end.isoformat()}, over a year before publication"
        if (
            start is not None
            and time.rule.startswith("since")
            and start < published - timedelta(days=int(cfg["since_days"]))
        ):
            return f"long span '{time.text}'"
        perfect = any(c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ == "VBD" for c in anchor.children)
        if perfect and end is not None and end < published - timedelta(days=int(cfg["past_perfect_days"])):
            return f"past perfect with '{time.text}'"
    lows = [table.lower[i] for i in clause]
    for phrase in lex.historical_markers:
        n = len(phrase)
        for k in range(len(lows) - n + 1):
            if tuple(lows[k : k + n]) == phrase:
                return f"background marker '{' '.join(phrase)}'"
    return ""
