"""The corpus store: one SQLite file holding every analysed document and what links them.

Why SQLite: one file to copy, no server, full-text search (FTS5) built in, and WAL mode lets
`gossamer query` or the web API read while `gossamer ingest` writes.

What is stored:
- `documents`: one row per text, keyed by its content hash (`Document.id`), with the
  canonical analysis JSON; `seq` is the ingest order, the only "when" the store keeps (no
  wall-clock time anywhere, so two ingests of the same inputs give the same rows).
- per-item tables (`entities`, `places`, `events`, `claims`, `relations`, `item_refs`): the
  columns that queries filter on, keyed by (doc_id, item_id). They are derived from the
  analysis JSON and written in the same transaction as the document row.
- corpus-level tables filled by the linking step (`gossamer.corpus.links`): origins, actors,
  actor mentions, event clusters, claim links, corpus grades and the actor web. They are
  replaced whole, in one transaction, each time linking runs.

Schema changes are ordered migration functions (`MIGRATIONS`); each runs in its own
transaction and is recorded in `schema_migrations`, so a store at any older version is
brought forward on open.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Self

from ..model import Analysis, Claim, Event, Relation, literal_places
from ..phrases import key

DEFAULT_DB = "gossamer.db"


class StoreError(Exception):
    """The file is not a gossamer store this version can use."""


def canonical_json(analysis: Analysis) -> str:
    """The one serialisation stored: sorted keys and no whitespace, so equal analyses are equal bytes."""
    return json.dumps(analysis.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------------- migrations

def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statements one by one: `executescript` would commit the migration's open transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            conn.execute(buffer)
            buffer = ""
    if buffer.strip():
        raise StoreError(f"incomplete SQL statement in migration: {buffer.strip()[:60]}")


def _v1_initial(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            source TEXT, title TEXT, url TEXT, outlet TEXT, author TEXT,
            published TEXT, language TEXT, status TEXT NOT NULL, genre TEXT,
            text TEXT NOT NULL,
            analysis TEXT NOT NULL
        );
        CREATE INDEX documents_published ON documents (published);
        CREATE INDEX documents_outlet ON documents (outlet);

        -- external content: the index only, snippets read the text back from `documents`
        CREATE VIRTUAL TABLE documents_fts USING fts5 (
            title, text, content='documents', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
        );

        CREATE TABLE entities (
            doc_id TEXT NOT NULL, item_id TEXT NOT NULL,
            name TEXT NOT NULL, type TEXT, kb_id TEXT, country TEXT, sector TEXT, how TEXT,
            mentions INTEGER NOT NULL,
            PRIMARY KEY (doc_id, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX entities_kb_id ON entities (kb_id);
        CREATE INDEX entities_name ON entities (name COLLATE NOCASE);

        CREATE TABLE places (
            doc_id TEXT NOT NULL, item_id TEXT NOT NULL,
            name TEXT NOT NULL, lat REAL, lon REAL, country TEXT, admin1 TEXT, feature TEXT,
            precision TEXT, geonames_id INTEGER, mentions INTEGER NOT NULL,
            PRIMARY KEY (doc_id, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX places_name ON places (name COLLATE NOCASE);
        CREATE INDEX places_latlon ON places (lat, lon);

        CREATE TABLE events (
            doc_id TEXT NOT NULL, item_id TEXT NOT NULL,
            category TEXT, mode TEXT, status TEXT, trigger TEXT,
            time_id TEXT, time_start TEXT, time_end TEXT,
            place_id TEXT, lat REAL, lon REAL,
            historical INTEGER NOT NULL, confidence REAL, clause TEXT, why TEXT,
            PRIMARY KEY (doc_id, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX events_category ON events (category);
        CREATE INDEX events_time_start ON events (time_start);
        CREATE INDEX events_latlon ON events (lat, lon);

        CREATE TABLE claims (
            doc_id TEXT NOT NULL, item_id TEXT NOT NULL,
            kind TEXT, source_type TEXT, source_name TEXT, source_entity TEXT,
            reliability TEXT, credibility INTEGER,
            certainty REAL, checkworthiness REAL, text TEXT,
            PRIMARY KEY (doc_id, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX claims_grade ON claims (reliability, credibility);
        CREATE INDEX claims_kind ON claims (kind);

        CREATE TABLE relations (
            doc_id TEXT NOT NULL, item_id TEXT NOT NULL,
            type TEXT, source_id TEXT, target_id TEXT, origin TEXT, time_id TEXT,
            PRIMARY KEY (doc_id, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX relations_type ON relations (type);

        -- folded names (gossamer.phrases.key) of entities and places: the resolved name and every
        -- surface form, so "al-Qaim" finds the place resolved as "Al Qa'im"
        CREATE TABLE name_keys (
            doc_id TEXT NOT NULL, item_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
            PRIMARY KEY (doc_id, item_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX name_keys_key ON name_keys (kind, key);

        -- item -> item references inside one document: event actors/recipients/places/times,
        -- claim entities/places/events/source, relation ends. What joins queries across kinds.
        CREATE TABLE item_refs (
            doc_id TEXT NOT NULL, item_id TEXT NOT NULL, role TEXT NOT NULL, ref_id TEXT NOT NULL,
            PRIMARY KEY (doc_id, item_id, role, ref_id)
        ) WITHOUT ROWID;
        CREATE INDEX item_refs_ref ON item_refs (doc_id, ref_id);

        -- corpus level: replaced whole by each linking run
        CREATE TABLE origins (doc_id TEXT PRIMARY KEY, origin_id TEXT NOT NULL) WITHOUT ROWID;
        CREATE INDEX origins_origin ON origins (origin_id);

        CREATE TABLE actors (
            actor_key TEXT PRIMARY KEY, name TEXT, type TEXT, kb_id TEXT, country TEXT
        ) WITHOUT ROWID;
        CREATE INDEX actors_kb_id ON actors (kb_id);
        CREATE INDEX actors_name ON actors (name COLLATE NOCASE);

        CREATE TABLE actor_mentions (
            doc_id TEXT NOT NULL, entity_id TEXT NOT NULL, actor_key TEXT NOT NULL,
            PRIMARY KEY (doc_id, entity_id)
        ) WITHOUT ROWID;
        CREATE INDEX actor_mentions_key ON actor_mentions (actor_key);

        -- per-actor totals over the whole corpus, refilled with the links: the unfiltered actor
        -- list reads this instead of grouping every entity row per request
        CREATE TABLE actor_stats (
            actor_key TEXT PRIMARY KEY, name TEXT, type TEXT, kb_id TEXT, country TEXT,
            documents INTEGER NOT NULL, mentions INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX actor_stats_rank ON actor_stats (documents DESC, mentions DESC, actor_key);

        CREATE TABLE event_clusters (
            doc_id TEXT NOT NULL, event_id TEXT NOT NULL, cluster_id TEXT NOT NULL,
            PRIMARY KEY (doc_id, event_id)
        ) WITHOUT ROWID;
        CREATE INDEX event_clusters_cluster ON event_clusters (cluster_id);

        CREATE TABLE event_cluster_summary (cluster_id TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;

        CREATE TABLE claim_links (
            doc_a TEXT NOT NULL, claim_a TEXT NOT NULL, doc_b TEXT NOT NULL, claim_b TEXT NOT NULL,
            relation TEXT NOT NULL, score REAL, why TEXT
        );
        CREATE INDEX claim_links_a ON claim_links (doc_a, claim_a);
        CREATE INDEX claim_links_b ON claim_links (doc_b, claim_b);

        CREATE TABLE claim_grades (
            doc_id TEXT NOT NULL, claim_id TEXT NOT NULL,
            reliability TEXT, credibility INTEGER, json TEXT NOT NULL,
            PRIMARY KEY (doc_id, claim_id)
        ) WITHOUT ROWID;

        CREATE TABLE web_edges (
            source_key TEXT NOT NULL, target_key TEXT NOT NULL, type TEXT NOT NULL,
            weight REAL, first_seen TEXT, last_seen TEXT, evidence_json TEXT NOT NULL,
            extra_json TEXT NOT NULL  -- any further keys the linker gives an edge (count, documents, ...)
        );
        CREATE INDEX web_edges_source ON web_edges (source_key);
        CREATE INDEX web_edges_target ON web_edges (target_key);
        """
    )


Migration = tuple[int, str, Callable[[sqlite3.Connection], None]]

# Ordered; a new schema version appends (version, name, function) and never edits an old one.
MIGRATIONS: tuple[Migration, ...] = ((1, "initial", _v1_initial),)
SCHEMA_VERSION = MIGRATIONS[-1][0]

# One actor row of the corpus: entity rows grouped by their corpus actor key (the linker's, else
# the KB id, else the folded name). `query` uses the same SQL with filters added.
ACTOR_KEY_SQL = "COALESCE(am.actor_key, e.kb_id, 'name:' || LOWER(e.name))"
ACTOR_COLUMNS_SQL = (
    f"{ACTOR_KEY_SQL} AS actor_key, COALESCE(MAX(ac.name), MIN(e.name)) AS name,"
    " COALESCE(MAX(ac.type), MIN(e.type)) AS type, COALESCE(MAX(ac.kb_id), MAX(e.kb_id)) AS kb_id,"
    " COALESCE(MAX(ac.country), MAX(e.country)) AS country, COUNT(DISTINCT e.doc_id) AS documents,"
    " SUM(e.mentions) AS mentions"
)
ACTOR_JOINS_SQL = (
    " LEFT JOIN actor_mentions am ON am.doc_id = e.doc_id AND am.entity_id = e.item_id"
    " LEFT JOIN actors ac ON ac.actor_key = am.actor_key"
)

# Tables the linking step owns, in the order they are cleared and refilled.
CORPUS_TABLES = (
    "origins", "actors", "actor_mentions", "event_clusters", "event_cluster_summary",
    "claim_links", "claim_grades", "web_edges",
)  # fmt: skip
ITEM_TABLES = ("entities", "places", "events", "claims", "relations", "item_refs", "name_keys")


def schema_version(conn: sqlite3.Connection) -> int:
    """0 for a file no migration has touched (an empty or foreign SQLite file)."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if row is None:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the file to the latest version, one transaction per step; returns the version reached.

    A store written by a newer gossamer is refused rather than guessed at.
    """
    current = schema_version(conn)
    latest = migrations[-1][0] if migrations else 0
    if current > latest:
        raise StoreError(f"store is at schema version {current}; this gossamer knows up to {latest}")
    if current == 0:
        tables = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        if tables:
            raise StoreError("not a gossamer store: the file holds other tables")
    for version, name, step in migrations:
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
            )
            step(conn)
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, name))
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),))
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        current = version
    return current


# ---------------------------------------------------------------------------------- rows


def _mention_text(text: str, mention: list[int] | None) -> str | None:
    if not mention:
        return None
    return " ".join(text[mention[0] : mention[1]].split())


def item_rows(analysis: Analysis) -> dict[str, list[tuple[Any, ...]]]:
    """The per-item table rows of one analysis, in item order; refs sorted and unique."""
    doc_id = analysis.document.id
    text = analysis.document.text
    times = {t.id: t for t in analysis.times}
    places = {p.id: p for p in analysis.places}
    located = literal_places(analysis.places)  # demonym references stay in the analysis JSON only
    refs: set[tuple[str, str, str, str]] = set()

    def ref(item_id: str, role: str, ids: Iterable[str | None]) -> None:
        for ref_id in ids:
            if ref_id:
                refs.add((doc_id, item_id, role, ref_id))

    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in ITEM_TABLES}
    keys: set[tuple[str, str, str, str]] = set()
    for kind, items in (("entity", analysis.entities), ("place", located)):
        for item in items:
            for name in (item.name, *(text[s:e] for s, e in item.mentions)):
                folded = key(name)
                if folded:
                    keys.add((doc_id, item.id, kind, folded))
    rows["name_keys"] = sorted(keys)
    for e in analysis.entities:
        rows["entities"].append(
            (doc_id, e.id, e.name, e.type, e.kb_id, e.country, e.sector, e.how, len(e.mentions))
        )
    for p in located:
        rows["places"].append(
            (doc_id, p.id, p.name, p.lat, p.lon, p.country, p.admin1, p.feature, p.precision,
             p.geonames_id, len(p.mentions))
        )  # fmt: skip
    for v in analysis.events:
        rows["events"].append(_event_row(doc_id, v, text, times, places))
        ref(v.id, "actor", v.actors)
        ref(v.id, "recipient", v.recipients)
        ref(v.id, "place", [v.place, *v.places])
        ref(v.id, "time", [v.time])
        ref(v.id, "quantity", [v.size, v.dead, v.injured])
    for c in analysis.claims:
        rows["claims"].append(_claim_row(doc_id, c))
        ref(c.id, "entity", c.entities)
        ref(c.id, "source", [(c.source or {}).get("entity")])
        ref(c.id, "place", c.places)
        ref(c.id, "time", c.times)
        ref(c.id, "quantity", c.quantities)
        ref(c.id, "event", c.events)
    for r in analysis.relations:
        rows["relations"].append(_relation_row(doc_id, r))
        ref(r.id, "source", [r.source])
        ref(r.id, "target", [r.target])
        ref(r.id, "event", r.events)
    rows["item_refs"] = sorted(refs)
    return rows


def _event_row(doc_id: str, v: Event, text: str, times: dict[str, Any], places: dict[str, Any]) -> tuple[Any, ...]:
    t = times.get(v.time or "")
    p = places.get(v.place or "")
    return (
        doc_id, v.id, v.category, v.mode, v.status, v.trigger,
        v.time, t.start if t else None, (t.end or t.start) if t else None,
        v.place, p.lat if p else None, p.lon if p else None,
        int(bool(v.historical)), v.confidence, _mention_text(text, v.clause), v.why,
    )  # fmt: skip


def _claim_row(doc_id: str, c: Claim) -> tuple[Any, ...]:
    grade = c.grade or {}
    source = c.source or {}
    return (
        doc_id, c.id, c.kind, c.source_type, source.get("text"), source.get("entity"),
        grade.get("reliability"), _int_or_none(grade.get("credibility")),
        c.certainty, c.checkworthiness, c.text,
    )  # fmt: skip


def _relation_row(doc_id: str, r: Relation) -> tuple[Any, ...]:
    return (doc_id, r.id, r.type, r.source, r.target, r.origin, r.time)


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


_INSERT = {
    "entities": "INSERT INTO entities VALUES (?,?,?,?,?,?,?,?,?)",
    "places": "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "events": "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "claims": "INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "relations": "INSERT INTO relations VALUES (?,?,?,?,?,?,?)",
    "item_refs": "INSERT INTO item_refs VALUES (?,?,?,?)",
    "name_keys": "INSERT INTO name_keys VALUES (?,?,?,?)",
}


# ---------------------------------------------------------------------------------- the store


class Store:
    """An open corpus store. One writer at a time; any number of readers (WAL).

    `conn` is in autocommit mode: every write method opens and commits its own transaction,
    so a crash leaves either all of a document or none of it.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, readonly: bool = False) -> None:
        self.path = Path(path)
        try:
            if readonly:
                if not self.path.exists():
                    raise StoreError(f"no store at {self.path} (run gossamer ingest first)")
                uri = f"file:{self.path.resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as err:
            raise StoreError(f"cannot open {self.path} ({err})") from err
        try:
            self.conn.execute("PRAGMA busy_timeout = 30000")
            if readonly:
                version = schema_version(self.conn)
                if version != SCHEMA_VERSION:
                    raise StoreError(f"store {self.path} is at schema version {version}, not {SCHEMA_VERSION}")
            else:
                self.conn.execute("PRAGMA journal_mode = WAL")
                # WAL + NORMAL: a killed process loses nothing committed; only power loss can.
                self.conn.execute("PRAGMA synchronous = NORMAL")
                migrate(self.conn)
        except sqlite3.DatabaseError as err:
            self.conn.close()
            raise StoreError(f"{self.path} is not a gossamer store ({err})") from err
        except StoreError:
            self.conn.close()
            raise

    # context manager -------------------------------------------------------------------
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # documents -------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def document_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def max_seq(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM documents").fetchone()[0]

    def add_analysis(self, analysis: Analysis) -> bool:
        """Store one analysed document and its item rows in one transaction.

        Returns False (and writes nothing) when a document with the same content hash is
        already stored: ingest is idempotent.
        """
        doc = analysis.document
        payload = canonical_json(analysis)
        rows = item_rows(analysis)
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone():
                conn.execute("ROLLBACK")
                return False
            seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM documents").fetchone()[0]
            conn.execute(
                "INSERT INTO documents (id, seq, source, title, url, outlet, author, published, language,"
                " status, genre, text, analysis) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc.id, seq, doc.source, doc.title, doc.url, doc.outlet, doc.author, doc.published,
                 doc.language, doc.status, doc.genre, doc.text, payload),
            )  # fmt: skip
            conn.execute(
                "INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)", (seq, doc.title or "", doc.text)
            )
            for table, table_rows in rows.items():
                if table_rows:
                    conn.executemany(_INSERT[table], table_rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return True

    def analysis_dicts(self) -> Iterator[dict[str, Any]]:
        """Every stored analysis as a dict, in ingest order, one row in memory at a time."""
        cur = self.conn.execute("SELECT analysis FROM documents ORDER BY seq")
        for (payload,) in cur:
            yield json.loads(payload)

    def analyses(self) -> Iterator[Analysis]:
        for data in self.analysis_dicts():
            yield Analysis.from_dict(data)

    # corpus links ----------------------------------------------------------------------
    def linked_seq(self) -> int | None:
        value = self.get_meta("linked_seq")
        return int(value) if value is not None else None

    def links_stale(self) -> bool:
        """True when documents were added since the last linking run (or it never ran)."""
        last = self.max_seq()
        return last > 0 and self.linked_seq() != last

    def replace_links(self, links: Any, linked_seq: int) -> dict[str, int]:
        """Replace every corpus-level table with `links` (a CorpusLinks) in one transaction.

        Rows are written sorted so the tables' content does not depend on the order in which
        the linker happened to build its dicts. Returns the row count per table.
        """
        rows = corpus_rows(links)
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for table in CORPUS_TABLES:
                conn.execute(f"DELETE FROM {table}")
            for table in CORPUS_TABLES:
                if rows[table]:
                    marks = ",".join("?" * len(rows[table][0]))
                    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])
            conn.execute("DELETE FROM actor_stats")
            conn.execute(
                f"INSERT INTO actor_stats SELECT {ACTOR_COLUMNS_SQL} FROM entities e{ACTOR_JOINS_SQL}"
                f" GROUP BY {ACTOR_KEY_SQL}"
            )
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('linked_seq', ?)", (str(linked_seq),))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return {table: len(rows[table]) for table in CORPUS_TABLES}


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _key(value: Any) -> tuple[Any, ...]:
    # None-safe sort key: None sorts first, then by type name so mixed types never compare
    return tuple((v is not None, type(v).__name__, v if v is not None else 0) for v in value)


def corpus_rows(links: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Table rows from a CorpusLinks object (attributes as documented in gossamer.corpus.links)."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    rows["origins"] = sorted(((d, o) for d, o in (links.origins or {}).items()), key=_key)
    rows["actors"] = sorted(
        (k, a.get("name"), a.get("type"), a.get("kb_id"), a.get("country"))
        for k, a in (links.actors or {}).items()
    )
    rows["actor_mentions"] = sorted((d, e, k) for (d, e), k in (links.actor_mentions or {}).items())
    rows["event_clusters"] = sorted((d, v, c) for (d, v), c in (links.event_clusters or {}).items())
    rows["event_cluster_summary"] = sorted((c, _dumps(s)) for c, s in (links.event_summaries or {}).items())
    rows["claim_links"] = sorted(
        (
            (
                link["doc_a"], link["claim_a"], link["doc_b"], link["claim_b"], link["relation"],
                _float_or_none(link.get("score")), link.get("why") or "",
            )
            for link in links.claim_links or ()
        ),
        key=_key,
    )  # fmt: skip
    rows["claim_grades"] = sorted(
        (d, c, g.get("reliability"), _int_or_none(g.get("credibility")), _dumps(g))
        for (d, c), g in (links.claim_grades or {}).items()
    )
    rows["web_edges"] = sorted(
        (
            (
                e["source_key"], e["target_key"], e["type"], _float_or_none(e.get("weight")),
                e.get("first_seen"), e.get("last_seen"), _dumps(list(e.get("evidence") or [])),
                _dumps({k: v for k, v in e.items() if k not in _EDGE_COLUMNS}),
            )
            for e in links.web_edges or ()
        ),
        key=_key,
    )  # fmt: skip
    return rows


_EDGE_COLUMNS = frozenset({"source_key", "target_key", "type", "weight", "first_seen", "last_seen", "evidence"})


def _float_or_none(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def dump_tables(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every ordinary table, sorted: what "the same store" means in tests and checks."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    out: dict[str, list[tuple[Any, ...]]] = {}
    for name in names:
        if name == "documents_fts":
            continue  # the virtual table reads `documents`; its shadow tables are dumped as tables
        out[name] = sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=_key)
    return out
