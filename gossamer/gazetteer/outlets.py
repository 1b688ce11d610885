"""The country an outlet publishes from: a weak hint for place names the text leaves open.

A local paper's "Dublin" is the town near it, not the capital across the sea, and the text rarely
says which country it writes from. Two clues, in order:

1. the document's metadata names it: an ``outlet_country`` (or ``country``) field in a JSON line
   or front matter, kept by the readers under ``meta["extra"]``; an ISO 3166-1 code or a country
   name;
2. the host of the document's URL ends in a country-code top-level domain ("example.iq"), except
   the ccTLDs sold worldwide as generic names (``outlet_domains`` in data/lexicons/places.yaml,
   with its sources).

The places stage adds the country to the document's context as if the text had named it once.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit

from ..model import Document
from .sources import lexicon

META_KEYS = ("outlet_country", "country")


@functools.cache
def _domains() -> tuple[frozenset[str], dict[str, str]]:
    section = lexicon().get("outlet_domains") or {}
    generic = frozenset(str(d).lower() for d in section.get("generic") or ())
    aliases = {str(k).lower(): str(v).upper() for k, v in (section.get("aliases") or {}).items()}
    return generic, aliases


def country_code(value: Any) -> str | None:
    """ISO 3166-1 alpha-2 code of a code (alpha-2 or alpha-3) or an English country name."""
    if not isinstance(value, str) or not value.strip():
        return None
    import pycountry

    raw = value.strip()
    try:
        if len(raw) in (2, 3) and raw.isalpha():
            hit = pycountry.countries.get(**{"alpha_2" if len(raw) == 2 else "alpha_3": raw.upper()})
        else:
            hit = pycountry.countries.lookup(raw)
    except LookupError:
        return None
    return hit.alpha_2 if hit is not None else None


def domain_country(url: str | None) -> str | None:
    """The country of a URL's ccTLD, unless the ccTLD is used as a generic name."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return None
    tld = host.rstrip(".").rpartition(".")[2].lower()
    if len(tld) != 2 or not tld.isalpha():
        return None
    generic, aliases = _domains()
    if tld in generic:
        return None
    return aliases.get(tld) or country_code(tld)


def outlet_country(document: Document) -> str | None:
    """Where the document's outlet publishes from, when its metadata or URL says so."""
    extra = document.meta.get("extra") if isinstance(document.meta, dict) else None
    if isinstance(extra, dict):
        for k in META_KEYS:
            code = country_code(extra.get(k))
            if code:
                return code
    return domain_country(document.url)
