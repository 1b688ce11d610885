"""Rhetoric stage: persuasion techniques, the document's genre, and its stance toward actors.

Runs after the entity stage (targets and stances point at entities) and after the claims stage
when there is one (each claim gets the ids of the rhetoric spans inside it). Everything it
knows is in three data files: ``rhetoric.yaml`` (technique cues, SemEval-2020 Task 11 classes),
``genre.yaml`` (register features) and ``stance.yaml`` (polarity words). See
`gossamer.rhetoric` for the pieces.

Output:

* `analysis.rhetoric`: one `Rhetoric` per technique span, with the cue words in `why`, the
  entity it is aimed at in `target` when the parse says so, and the lexicon's `confidence`;
* `analysis.document.genre`, with a ``genre: ...`` note saying which features decided it;
* `analysis.stances`: one `Stance` per actor with enough evidence aimed at it.
"""

from __future__ import annotations

from ..model import Analysis, Rhetoric
from ..nlp import Parsed
from ..rhetoric.detect import detect
from ..rhetoric.genre import classify_genre, load_genre_model
from ..rhetoric.lexicon import Lexicon, load_lexicon
from ..rhetoric.stance import load_stance_lexicon, read_stances
from ..rhetoric.targets import entity_tokens, find_target
from ..rhetoric.tokens import token_view


class RhetoricStage:
    name = "rhetoric"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        load_genre_model()  # every data file is read here, once per process, not on the first document
        load_stance_lexicon()

    def __call__(self, analysis: Analysis, parsed: Parsed) -> None:
        view = token_view(parsed)
        ent_of = entity_tokens(analysis, view)
        text = analysis.document.text
        aimed: list[tuple[Rhetoric, int]] = []
        for hit in detect(view, self.lexicon):
            start, end = view.start[hit.start], view.end[hit.end - 1]
            cues = ", ".join(f"'{c}'" for c in hit.cues[:4])
            item = analysis.new(
                Rhetoric,
                start,
                end,
                technique=hit.technique,
                text=text[start:end],
                why=f"{hit.why}: {cues}",
                target=find_target(
                    view, ent_of, hit.anchor, hit.start, hit.end, hit.technique == "Name_Calling,Labeling"
                ),
                confidence=round(hit.confidence, 2),
            )
            aimed.append((item, hit.polarity))
        _link_claims(analysis)
        genre, note = classify_genre(analysis, view)
        analysis.document.genre = genre
        analysis.notes.append(note)
        read_stances(analysis, view, ent_of, self.lexicon, aimed)


def _link_claims(analysis: Analysis) -> None:
    """Each claim lists the rhetoric spans that fall inside its content span."""
    if not analysis.claims or not analysis.rhetoric:
        return
    for claim in analysis.claims:
        for cs, ce in claim.mentions:
            for r in analysis.rhetoric:
                rs, re_ = r.mentions[0]
                if cs <= rs and re_ <= ce and r.id not in claim.rhetoric:
                    claim.rhetoric.append(r.id)
