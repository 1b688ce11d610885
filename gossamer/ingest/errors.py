"""The one problem record every reader yields instead of raising.

A batch of inputs is read as a stream: one bad file, or one bad line in a feed, must not
stop the others. So readers never raise past an input; they yield an `IngestError` in the
document's place and carry on. The CLI prints these one per line, compiler-style.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestError:
    source: str  # the path as given, a walked path, or "<stdin>"
    line: int | None  # 1-based line for line-oriented inputs (JSONL, JSON arrays), else None
    reason: str

    def __str__(self) -> str:
        # One line, so a batch's problems can be grepped and counted.
        reason = " ".join(self.reason.split())
        if self.line is not None:
            return f"{self.source}:{self.line}: {reason}"
        return f"{self.source}: {reason}"


class Rejected(Exception):
    """Internal: a reader gives up on the current input; the dispatcher turns it into an IngestError."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
