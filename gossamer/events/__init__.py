"""Event coding helpers for the events stage (`gossamer.stages.events`).

- `lexicon`: the PLOVER trigger lexicon (``data/lexicons/plover.yaml``), compiled for lookup;
- `tokens`: the parse as plain lists, and which item each token belongs to;
- `syntax`: roles off the dependency parse (subjects with control, objects, clauses);
- `participants`: from tokens to entity ids or participant phrases, pronouns included;
- `status`: asserted / claimed / denied / planned / threatened / hypothetical / negated, and
  background (historical) events.

The reporting-frame finder they use lives in `gossamer.attribution` (the claims stage shares it).
"""
