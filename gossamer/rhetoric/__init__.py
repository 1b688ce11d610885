"""Persuasion techniques, genre and stance: the pieces behind `gossamer.stages.rhetoric`.

* `tokens`  -- one integer view of the parse (hashes, heads, quotes) shared by the readers;
* `lexicon` -- the cue lexicons of ``data/lexicons/rhetoric.yaml`` compiled for matching;
* `detect`  -- technique spans from cues, dependency patterns and computed cues (repetition,
  scare quotes, slogans, "either ... or");
* `targets` -- which entity a span is aimed at;
* `genre`   -- news / opinion / analysis / statement from register features;
* `stance`  -- the document's stance toward each actor;
* `classify` -- the technique of a given span (the TC half of ``gossamer eval propaganda``).
"""
