"""The claim ledger: scorers that describe one clause-level claim (how hedged, how check-worthy).

The claims stage builds `gossamer.model.Claim` items per clause and calls these libraries to fill
their fields; each scorer reads only the shared spaCy parse and the items earlier stages found.
"""
