"""Pipeline stages: each a callable `(analysis, parsed) -> None` that adds one kind of item."""
