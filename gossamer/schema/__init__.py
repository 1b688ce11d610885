"""The versioned JSON Schema of `Analysis.to_dict()` and helpers to check data against it.

The schema catches shape drift (a renamed field, a new enum value, a stray key); what a
schema cannot say, that every mention lies inside the text it points into, is checked by
`offset_problems`. `validate` runs both, so one call tells a consumer the data is usable.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator, ValidationError

SCHEMA_FILE = "analysis-1.json"
KINDS_WITH_MENTIONS = ("entities", "places", "times", "quantities", "events", "claims", "rhetoric", "relations", "stances")

__all__ = ["SCHEMA_FILE", "ValidationError", "load_schema", "offset_problems", "validate", "validator"]


@functools.cache
def _schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def load_schema() -> dict[str, Any]:
    """A fresh copy of the schema, so a caller that edits it cannot corrupt the shared one."""
    return copy.deepcopy(_schema())


@functools.cache
def validator() -> Draft202012Validator:
    """One compiled validator per process: building it costs far more than one validation."""
    schema = _schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def offset_problems(data: dict[str, Any]) -> list[str]:
    """Mentions that cannot be cut out of the text: reversed, empty or past its end."""
    text = data.get("document", {}).get("text", "")
    n = len(text) if isinstance(text, str) else 0
    problems: list[str] = []
    for key in KINDS_WITH_MENTIONS:
        for item in data.get(key, []) or []:
            if not isinstance(item, dict):
                continue
            for m in item.get("mentions", []) or []:
                if not (isinstance(m, list) and len(m) == 2 and all(isinstance(x, int) for x in m)):
                    continue  # the schema reports malformed mentions
                start, end = m
                if not 0 <= start < end <= n:
                    problems.append(f"{key} {item.get('id')!r}: mention {m} outside the text (length {n}) or empty")
    return problems


def validate(data: dict[str, Any]) -> None:
    """Raise `jsonschema.ValidationError` unless `data` is a usable gossamer/analysis@1 object."""
    error = jsonschema.exceptions.best_match(validator().iter_errors(data))
    if error is not None:
        raise error
    problems = offset_problems(data)
    if problems:
        raise ValidationError("; ".join(problems[:5]) + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""))
