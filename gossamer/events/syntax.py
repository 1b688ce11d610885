"""Reading roles off the one dependency parse (spaCy's ClearNLP-style labels).

Small, generic helpers: the subject of a verb including the ones it inherits (control, conjoined
verbs, participles), its objects, the clause a token sits in, and the noun phrase of a head.
Nothing here knows about PLOVER; the events stage combines them.
"""

from __future__ import annotations

from typing import Protocol

from .tokens import Node, TokenTable


class Grammar(Protocol):
    """The word lists `subjects` needs (the events lexicon provides them)."""

    object_control: frozenset[str]
    control_preps: frozenset[str]
    addressee_preps: frozenset[str]
    direction_preps: frozenset[str]
    motion_verbs: frozenset[str]


VERBAL = frozenset({"VERB", "AUX"})
NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
CLAUSE_DEPS = frozenset(
    {"ROOT", "ccomp", "advcl", "relcl", "xcomp", "conj", "parataxis", "csubj", "acl", "pcomp"}
)
# clausal dependents whose words belong to another clause (places and times there are not ours)
NESTED_DEPS = frozenset({"ccomp", "advcl", "relcl", "parataxis", "csubj", "acl"})
SUBJ = frozenset({"nsubj", "csubj", "expl"})
OBJ = frozenset({"dobj", "dative", "oprd"})
# verbs whose object, not subject, does what the infinitive says ("ordered troops to withdraw")
_BOUNDARY_TEXT = frozenset({";", ".", "!", "?", ":"})


def is_passive(verb: Node) -> bool:
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return True
    return verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod")  # "a directive issued from ..."


def children(tok: Node, deps: frozenset[str] | set[str]) -> list[Node]:
    return [c for c in tok.children if c.dep_ in deps]


def conjuncts(tok: Node) -> list[Node]:
    """`tok` and the words conjoined with it ("A, B and C"), in text order."""
    nominal = tok.pos_ in NOMINAL
    out = [tok]
    stack = [tok]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ == "conj" and (c.pos_ in NOMINAL) == nominal:
                out.append(c)
                stack.append(c)
    out.sort(key=lambda t: t.i)
    return out


def agents(verb: Node) -> list[Node]:
    """The "by" phrase of a passive verb."""
    out = []
    for c in verb.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by" and is_passive(verb)):
            out.extend(g for g in c.children if g.dep_ == "pobj")
    return out


def subjects(verb: Node, grammar: Grammar, depth: int = 0) -> tuple[list[Node], str]:
    """Who does what `verb` says, with how it was found (for the event's `why`).

    Finite verbs have their own subject; an infinitive takes its controller ("X was summoned to
    fight": X; "ordered troops to withdraw": troops); a conjoined verb shares its head's subject;
    an active participle on a noun has the noun ("militants attacking the base").
    """
    if depth > 6:
        return [], ""
    own = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if own:
        if own[0].tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
            return [verb.head], "relative clause head"
        return own, "nsubj"
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN") and misread_motion(verb, grammar):
        return [verb.head], "noun before a verb of motion read as a participle"
    if is_passive(verb):
        ag = agents(verb)
        return (ag, "passive agent") if ag else ([], "")
    head = verb.head
    # "X is forced to burn ...": a passive governor's subject is the controller
    if verb.dep_ == "xcomp" and is_passive(head) and head.lemma_ not in grammar.object_control:
        pas = [c for c in head.children if c.dep_ == "nsubjpass"]
        if pas:
            return pas, f"nsubjpass of '{head.lemma_}'"
    dep = verb.dep_
    if head.i == verb.i:
        return [], ""
    if dep == "xcomp" and head.pos_ in VERBAL:
        if head.lemma_ in grammar.object_control:
            objs = [c for c in head.children if c.dep_ in ("dobj", "dative")]
            if objs:
                return objs, f"object of '{head.lemma_}'"
            for c in head.children:  # "called on Iran to release ..."
                if c.dep_ == "prep" and c.lower_ in grammar.addressee_preps:
                    objs = [g for g in c.children if g.dep_ == "pobj"]
                    if objs:
                        return objs, f"'{c.text}' object of '{head.lemma_}'"
            pas = [c for c in head.children if c.dep_ == "nsubjpass"]
            if pas:
                return pas, f"nsubjpass of '{head.lemma_}'"
        s, _how = subjects(head, grammar, depth + 1)
        return s, (f"subject of '{head.lemma_}'" if s else "")
    if dep == "xcomp" and head.pos_ == "ADJ" and head.dep_ in ("acomp", "oprd") and head.head.i != head.i:
        # "the government is prepared to impose ...": the adjective's subject is the copula's
        s, _how = subjects(head.head, grammar, depth + 1)
        return s, (f"subject of '{head.lemma_}'" if s else "")
    if dep in ("conj", "advcl", "pcomp") and head.pos_ in VERBAL:
        s, _how = subjects(head, grammar, depth + 1)
        if not s and dep in ("conj", "advcl"):
            pas = [c for c in head.children if c.dep_ == "nsubjpass"]
            if pas:
                return pas, f"nsubjpass of '{head.lemma_}'"
        return s, (f"subject of '{head.lemma_}'" if s else "")
    if dep == "pcomp" and head.dep_ == "prep" and head.head.pos_ in VERBAL:
        objs = [c for c in head.head.children if c.dep_ in ("dobj", "dative")]
        if objs and head.lower_ in grammar.control_preps:
            return objs, f"object of '{head.head.lemma_}'"  # "accused Israel of attacking ..."
        s, _how = subjects(head.head, grammar, depth + 1)  # "succeed in using ..."
        return s, (f"subject of '{head.head.lemma_}'" if s else "")
    if dep in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN", "PRON") and verb.tag_ == "VBG":
        return [head], "noun the participle modifies"
    return [], ""


def misread_motion(verb: Node, grammar: Grammar) -> bool:
    """ "fighters crossed from Iraq into Syria" parsed as "fighters (who were) crossed": an
    -ed verb of motion on a noun, with no object and a path phrase, moves the noun itself."""
    if verb.tag_ != "VBN" or verb.lemma_ not in grammar.motion_verbs:
        return False
    kids = verb.children
    if any(c.dep_ in ("dobj", "agent", "auxpass", "aux") for c in kids):
        return False
    return any(c.dep_ == "prep" and c.lower_ in grammar.direction_preps for c in kids)


def objects(verb: Node) -> list[Node]:
    """What `verb` acts on: its direct object, or its passive subject, or the noun a passive
    participle modifies."""
    if is_passive(verb):
        pas = [c for c in verb.children if c.dep_ == "nsubjpass"]
        if pas:
            return pas
        if verb.dep_ in ("acl", "amod") and verb.head.pos_ in ("NOUN", "PROPN"):
            return [verb.head]
        head = verb.head
        if verb.dep_ in ("conj", "xcomp") and head.pos_ in VERBAL:
            return [c for c in head.children if c.dep_ == "nsubjpass"]
        return []
    return [c for c in verb.children if c.dep_ in ("dobj", "dative")]


def prep_objects(tok: Node) -> list[tuple[str, Node]]:
    """(preposition, object) pairs hanging on `tok`: "fired on protesters" -> ("on", protesters)."""
    out = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent", "dative") and c.pos_ in ("ADP", "SCONJ"):
            word = c.lower_
            for g in c.children:
                if g.dep_ in ("pobj", "pcomp"):
                    out.append((word, g))
                elif g.dep_ == "prep":  # "out of", "because of": two-word prepositions
                    for h in g.children:
                        if h.dep_ == "pobj":
                            out.append((f"{word} {g.lower_}", h))
    return out


def verbal_anchor(tok: Node) -> Node:
    """The nearest verb at or above `tok` (the root if none): where a noun's clause is read."""
    node = tok
    for _ in range(40):
        if node.pos_ in VERBAL and node.dep_ not in ("aux", "auxpass", "amod", "compound"):
            return node
        if node.head.i == node.i:
            return node
        node = node.head
    return node


def clause_head(tok: Node) -> Node:
    """The head of the clause `tok` belongs to (a verb with a clausal relation, or the root)."""
    node = verbal_anchor(tok)
    for _ in range(40):
        if node.dep_ in CLAUSE_DEPS and node.dep_ != "xcomp" or node.head.i == node.i:
            return node
        node = node.head
    return node


def clause_tokens(table: TokenTable, head: Node, keep: Node) -> tuple[list[int], int, int]:
    """Node indices of the clause headed by `head`, without nested clauses that do not hold
    `keep`; and its first and last index (the clause span). Integer walks over the table: no
    Node objects per word."""
    lo, hi = head.left_edge.i, head.right_edge.i
    h, k_keep = head.i, keep.i
    heads, deps, pos = table.head, table.dep, table.pos
    out: list[int] = []
    nested: dict[int, bool] = {}  # token -> is a nested clause head that does not hold `keep`
    for k in range(lo, hi + 1):
        node = k
        ok = True
        for _ in range(64):
            if node == h:
                break
            flag = nested.get(node)
            if flag is None:
                flag = deps[node] in NESTED_DEPS and pos[node] in VERBAL and not table.under(k_keep, node)
                nested[node] = flag
            if flag:
                ok = False
                break
            parent = heads[node]
            if parent == node:  # not under the clause head at all (a non-projective stray)
                ok = False
                break
            node = parent
        if ok:
            out.append(k)
    if not out:
        out = [h]
    return out, out[0], out[-1]


def np_span(tok: Node, table: TokenTable) -> tuple[int, int]:
    """The noun phrase of a head noun up to the head: "approximately 5,000 members",
    "the Iranian regime's own security forces". Only the unbroken run left of the head."""
    lo = tok.i
    edge = tok.left_edge.i
    lower, pos, tag, dep = table.lower, table.pos, table.tag, table.dep
    while (
        lo - 1 >= edge
        and table.under(lo - 1, tok.i)
        and pos[lo - 1] != "SPACE"
        and lower[lo - 1] not in _BOUNDARY_TEXT
    ):
        lo -= 1
    while lo < tok.i and (pos[lo] == "PUNCT" or dep[lo] in ("cc", "preconj") or tag[lo] in ("WDT", "WP")):
        lo += 1
    return lo, tok.i + 1


def subtree_end(tok: Node, table: TokenTable) -> int:
    """Index after the last token of `tok`'s contiguous subtree run to its right."""
    edge = tok.right_edge.i
    hi = tok.i + 1
    while hi <= edge and table.under(hi, tok.i):
        hi += 1
    return hi


def is_boundary(table: TokenTable, i: int) -> bool:
    """Sentence punctuation or a line break: where a linear scan for a phrase stops."""
    return table.lower[i] in _BOUNDARY_TEXT or (table.pos[i] == "SPACE" and "\n" in table.lower[i])
