"""The corpus: many analyses in one SQLite store, linked across documents, searchable and exportable.

- `store`: the schema, its migrations, and one-transaction-per-document writes.
- `ingest`: the analyze pipeline into the store, idempotent and resumable; then the linking step.
- `links` (with actors, events, claims, syndication, web): cross-document linking.
- `query`: full text and filters, one page of plain dicts (shared by the CLI and the web API).
- `export`: jsonl, csv, geojson, gexf, graphml and FollowTheMoney from the store.
- `synthetic`: template articles for `gossamer bench --synthetic`; `synthetic_corpus`: analyses
  built directly for the linking benchmarks.

Nothing is imported here, so `import gossamer.corpus.query` does not load the pipeline.
"""
