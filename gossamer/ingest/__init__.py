"""Reading articles into `Document`s: text, Markdown, HTML, JSON and JSON Lines.

    >>> from gossamer.ingest import read_inputs
    >>> for item in read_inputs(["demo/corpus"]):
    ...     print(item if isinstance(item, IngestError) else item.source)

`read_inputs` yields Documents and IngestErrors in input order and never raises for bad
input: an empty, binary, oversized, undecodable or malformed input becomes one
IngestError (one per bad line in JSON Lines) and the rest of the batch is still read.
"""

from .errors import IngestError
from .paths import DEFAULT_MAX_BYTES, STDIN_SOURCE, read_inputs, read_text_input

__all__ = ["DEFAULT_MAX_BYTES", "STDIN_SOURCE", "IngestError", "read_inputs", "read_text_input"]
