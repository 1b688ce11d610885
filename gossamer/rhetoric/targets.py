"""Which actor a piece of charged language is aimed at, read off the dependency parse.

A span's *anchor* is the word it is about: the labelling noun, the noun an adjective colours,
the verb a loaded adverb modifies. The target is the entity that

1. the anchor is part of ("the Velayat-e Faqih *regime*" is a mention of a government);
2. owns, names or qualifies the anchor ("*Tehran's* mercenaries", "the *Iranian* regime",
   "the regime *of Assad*", "the crackdown *by* the army");
3. the anchor is predicated of ("Hamas is a *terrorist* group", "X, a *puppet* of Y");
4. is the agent of an anchor verb ("the regime *slaughtered*") or of the verb whose object the
   anchor is ("the army launched a *brutal* crackdown").

Only entities that the entity stage found count; pronouns are not resolved.
"""

from __future__ import annotations

from bisect import bisect_left

from ..model import Analysis
from .detect import AUX, NOMINAL, VERB, D
from .tokens import TokenView, h

_OWNER_DEPS = frozenset(D[d] for d in ("poss", "compound", "nmod", "amod", "appos"))
_AGENT_PREPS = frozenset(h(w) for w in ("of", "by"))
_PRED_DEPS = frozenset(D[d] for d in ("attr", "acomp", "oprd"))
_OBJ_DEPS = frozenset(D[d] for d in ("dobj", "pobj"))
_SUBJ_DEPS = frozenset(D[d] for d in ("nsubj", "nsubjpass"))


def entity_tokens(analysis: Analysis, view: TokenView) -> list[str | None]:
    """For each token, the id of the entity one of whose mentions covers it."""
    out: list[str | None] = [None] * view.n
    starts = view.start
    for ent in analysis.entities:
        for s, e in ent.mentions:
            i = bisect_left(starts, s)
            if i > 0 and view.end[i - 1] > s:
                i -= 1  # a mention that starts inside a token
            while i < view.n and starts[i] < e:
                if out[i] is None:
                    out[i] = ent.id
                i += 1
    return out


def find_target(
    view: TokenView, ent_of: list[str | None], anchor: int, start: int, end: int, label: bool = False
) -> str | None:
    """The entity the span [start, end) anchored at `anchor` is aimed at, or None.

    `label`: the anchor is a labelling noun, which names its target itself; it is not aimed at
    the subject of the verb it is the object of ("the regime sent its *proxies*").
    """
    if not view.n or ent_of[anchor] is not None:
        return ent_of[anchor] if view.n else None
    head, dep, pos, children = view.head, view.dep, view.pos, view.children
    # 2. owners and qualifiers of the anchor
    for c in children[anchor]:
        if dep[c] in _OWNER_DEPS and ent_of[c] is not None:
            return ent_of[c]
        if (dep[c] == D["prep"] and view.lower[c] in _AGENT_PREPS) or dep[c] == D["agent"]:
            for g in children[c]:
                if dep[g] == D["pobj"] and ent_of[g] is not None:
                    return ent_of[g]
    # 3. predicated of an entity
    hd = head[anchor]
    if dep[anchor] == D["appos"] and ent_of[hd] is not None:
        return ent_of[hd]
    if dep[anchor] in _PRED_DEPS and pos[hd] in (AUX, VERB):
        # "X is a puppet", "X was called a puppet", "they called X a puppet"
        for c in children[hd]:
            if (dep[c] in _SUBJ_DEPS or (dep[anchor] == D["oprd"] and dep[c] == D["dobj"])) and ent_of[
                c
            ] is not None:
                return ent_of[c]
    # a relative clause hangs off the noun it describes ("the militias, which slaughtered ...")
    if pos[anchor] == VERB and dep[anchor] == D["relcl"] and ent_of[hd] is not None:
        return ent_of[hd]
    # 4. the agent of the anchor verb, or of the verb whose object the anchor is
    verb = (
        anchor
        if pos[anchor] in (VERB, AUX)
        else (hd if dep[anchor] in _OBJ_DEPS and pos[hd] in (VERB, AUX) else -1)
    )
    if (
        dep[anchor] == D["pobj"]
        and pos[hd] not in NOMINAL
        and head[hd] != hd
        and pos[head[hd]] in (VERB, AUX)
    ):
        verb = head[hd]  # "took part in the brutal crackdown"
    if label and verb != anchor:
        verb = -1
    if verb >= 0:
        for c in children[verb]:
            if dep[c] == D["nsubj"] and ent_of[c] is not None:
                return ent_of[c]
    # 1'. an entity inside the span itself ("Iranian regime" when only "Iranian" is a mention)
    for i in range(start, end):
        if ent_of[i] is not None and (head[i] == anchor or i == anchor):
            return ent_of[i]
    return None
