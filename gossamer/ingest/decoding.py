"""Bytes to text, and telling text from binary, without trusting the file name.

News arrives as UTF-8 mostly, but also as UTF-16 exports from word processors and as
legacy Windows code pages from old CMSes, where a place name like "Bogotá" is one byte
per letter. Reading those as UTF-8 with replacement would silently destroy exactly the
names the pipeline needs, so anything that is not valid UTF-8 is decoded with the most
plausible single-byte code page and labelled as a guess in ``meta["encoding"]``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .errors import Rejected

SNIFF_BYTES = 8192  # how much of the head decides "binary or text"
CONTROL_SHARE = 0.10  # more control characters than this in the head: not text
BINARY = "binary file (not text)"

# Longest BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Single-byte code pages tried for non-UTF-8 bytes, in order of preference on a tie.
# Windows code pages rather than ISO 8859: they are what legacy CMSes actually emit
# (curly quotes in 0x80-0x9F), and WHATWG maps "iso-8859-1" labels to windows-1252 too.
_LEGACY = ("cp1252", "cp1254", "cp1250")
# Letters that in English-language news are far likelier to be a mis-decoded Turkish
# ğ ı ş İ Ş Ğ (cp1254 shares these byte values) than genuine Icelandic eth/thorn/y-acute.
_RARE_LETTERS = frozenset("ÐÞðþÝý")
# Charset labels that browsers treat as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = frozenset({"latin_1", "iso8859_1", "ascii", "cp1252"})

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SCORE_CHARS = 262_144  # a legacy-encoding guess needs a sample, not a 5 MB scan


def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    """cp1252 leaves five bytes undefined; read them as Latin-1 (C1 controls) instead of failing."""
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("gossamer.latin1", _latin1_fallback)


@dataclass
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-16-le", "cp1252 (guessed)", "iso8859_15 (declared)", ...


def wide_encoding(head: bytes) -> tuple[str | None, int]:
    """Codec and BOM length for inputs that must be decoded as a whole stream.

    Returns ``(None, 0)`` for byte-oriented text (UTF-8 or a legacy code page), which can
    be decoded line by line. Raises `Rejected` for binary content, judged by NUL bytes in
    the head, which UTF-16/32 text legitimately contains and nothing else textual does.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    sample = head[:SNIFF_BYTES]
    if b"\x00" not in sample:
        return None, 0
    # UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte, on one side.
    half = len(sample) // 2
    if half >= 2:
        even, odd = sample[0 : 2 * half : 2].count(0), sample[1 : 2 * half : 2].count(0)
        if odd >= 0.4 * half and even <= 0.02 * half:
            return "utf-16-le", 0
        if even >= 0.4 * half and odd <= 0.02 * half:
            return "utf-16-be", 0
    raise Rejected(BINARY)


def check_text(text: str) -> None:
    """Reject decoded content that is mostly control characters (binary without NULs)."""
    sample = text[:SNIFF_BYTES]
    if sample and len(_CONTROL.findall(sample)) > CONTROL_SHARE * len(sample):
        raise Rejected(BINARY)


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a whole input; `declared` is a charset named by the content (HTML <meta>)."""
    codec, bom = wide_encoding(data[:SNIFF_BYTES])
    if codec is not None:
        text = data[bom:].decode(codec, errors="replace")
        label = codec if bom else f"{codec} (guessed)"
        decoded = Decoded(text, "utf-8" if codec == "utf-8" else label)
    else:
        decoded = decode_line(data, declared)
    check_text(decoded.text)
    return decoded


def decode_line(data: bytes, declared: str | None = None) -> Decoded:
    """Decode byte-oriented text: UTF-8 if it is UTF-8, else the declared or likeliest code page."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly-valid UTF-8 with a few broken bytes (a truncated file, a bad paste) stays UTF-8:
    # a code-page guess would garble every correct accented letter to save a few bad ones.
    lenient = data.decode("utf-8", errors="replace")
    sample = lenient[:_SCORE_CHARS]
    bad = sample.count("\ufffd")
    if len(_NON_ASCII.findall(sample)) - bad > 2 * bad:
        return Decoded(lenient, "utf-8 (invalid bytes replaced)")
    if declared:
        name = _codec_name(declared)
        if name is not None:
            try:
                return Decoded(data.decode(name), f"{name} (declared)")
            except UnicodeDecodeError:
                pass  # the declaration is wrong; guess as if there were none
    return Decoded(*_guess_legacy(data))


def _codec_name(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    if name in _AS_CP1252:
        return "cp1252"
    return None if name.startswith("utf_8") else name


def _guess_legacy(data: bytes) -> tuple[str, str]:
    best: tuple[int, str, str] | None = None
    for codec in _LEGACY:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, text, codec)
    if best is None:
        return data.decode("cp1252", errors="gossamer.latin1"), "cp1252 (guessed)"
    return best[1], f"{best[2]} (guessed)"


def _plausibility(text: str) -> int:
    """Higher for decodings whose non-ASCII characters look like letters inside words.

    A wrong code page turns letters into symbols (Wrocław -> Wroc³aw), into case
    anomalies (Łódź -> £ódŸ) or into rare letters (Şırnak -> Þýrnak).
    """
    score = 0
    for m in _NON_ASCII.finditer(text, 0, _SCORE_CHARS):
        i = m.start()
        c = text[i]
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if not (prev.isalpha() or nxt.isalpha()):
            continue  # a lone symbol between spaces says nothing about the code page
        if not c.isalpha():
            score -= 3
        elif c in _RARE_LETTERS:
            score -= 1
        elif c.isupper() and prev.islower():
            score -= 2
    return score
