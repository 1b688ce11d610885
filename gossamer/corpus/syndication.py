"""Syndicated copies and near-duplicates: which documents tell one story from one origin.

A wire story reprinted by ten outlets is one source, not ten. Documents are compared by the
resemblance of their word shingles (Jaccard of the sets of k-word runs), estimated with MinHash
and found with LSH banding, so no pair is compared unless it shares a band; a candidate pair
whose estimate reaches the threshold joins one cluster (union-find). The origin of a cluster is
its first-ingested document.

Boilerplate guard: short lines that recur in many documents (sample markers, bylines, "all
rights reserved") would make unrelated texts look alike, and they are only known once the whole
corpus is seen. Short lines therefore keep their own MinHash signature (stored once per distinct
line, shared by every document holding it); a document's signature is the element-wise minimum
of its body's signature and those of its short lines that turned out not to be boilerplate. The
minimum of signatures is the signature of the union, so the result is exact, not approximate.

Shingles never cross a line break; a line shorter than k words is one shingle.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from typing import Any

import numpy as np

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_MERSENNE = np.uint64((1 << 61) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)
_SEED = 20260312  # fixed: signatures must be the same in every process
_MAX_BUCKET = 50  # a band bucket larger than this is chained, not compared all-pairs


class UnionFind:
    """Disjoint sets over 0..n-1; the root of a set is always its smallest member."""

    def __init__(self) -> None:
        self.parent: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:  # path compression
            parent[i], i = root, parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller index stays root: the cluster's first-ingested member names it
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


class Syndication:
    """Collects one compact signature per document; `origins()` clusters them at the end."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.k = int(config["shingle_words"])
        self.num_perm = int(config["num_perm"])
        self.bands = int(config["bands"])
        if self.num_perm % self.bands:
            raise ValueError("corroboration.yaml: syndication.num_perm must be a multiple of bands")
        self.rows = self.num_perm // self.bands
        self.threshold = float(config["threshold"])
        self.min_docs = int(config["boilerplate_min_docs"])
        self.max_words = int(config["boilerplate_max_words"])
        rng = np.random.default_rng(_SEED)
        self._a = rng.integers(1, 1 << 32, size=self.num_perm, dtype=np.uint64)
        self._b = rng.integers(0, 1 << 32, size=self.num_perm, dtype=np.uint64)
        self._pow = np.array([pow(1_000_003, j, 1 << 64) for j in range(self.k)], dtype=np.uint64)
        self.doc_ids: list[str] = []
        self._body: list[np.ndarray | None] = []
        self._short: list[tuple[int, ...]] = []
        self._line_sig: dict[int, np.ndarray] = {}
        self._line_docs: dict[int, int] = {}

    # ------------------------------------------------------------------ streaming

    def add(self, doc_id: str, text: str) -> None:
        body: list[np.ndarray] = []
        short_keys: list[int] = []
        new_short: list[tuple[int, np.ndarray]] = []
        for line in text.split("\n"):
            words = _WORD.findall(line.casefold())
            if not words:
                continue
            shingles = self._shingles(words)
            if len(words) <= self.max_words:
                lkey = int.from_bytes(
                    hashlib.blake2b(" ".join(words).encode(), digest_size=8).digest(), "little"
                )
                if lkey in short_keys:
                    continue
                short_keys.append(lkey)
                self._line_docs[lkey] = self._line_docs.get(lkey, 0) + 1
                if lkey not in self._line_sig:
                    new_short.append((lkey, shingles))
            else:
                body.append(shingles)
        if new_short:
            sigs = self._segment_signatures([s for _, s in new_short])
            for (lkey, _), sig in zip(new_short, sigs):
                self._line_sig[lkey] = sig
        self.doc_ids.append(doc_id)
        self._body.append(self._signature(np.concatenate(body)) if body else None)
        self._short.append(tuple(short_keys))

    def _shingles(self, words: list[str]) -> np.ndarray:
        """32-bit hashes of the k-word runs of one line (a short line is one shingle)."""
        wh = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words))
        k = min(self.k, len(words))
        n = len(words) - k + 1
        acc = np.zeros(n, dtype=np.uint64)
        for j in range(k):  # polynomial hash of each window, wrapping mod 2**64
            acc += wh[j : j + n] * self._pow[j]
        return (acc ^ (acc >> np.uint64(32))) & _MASK32

    def _hashes(self, shingles: np.ndarray) -> np.ndarray:
        # (a*x + b) mod p over 32-bit x and a: the product fits in 64 bits
        return ((shingles[:, None] * self._a + self._b) % _MERSENNE & _MASK32).astype(np.uint32)

    def _signature(self, shingles: np.ndarray) -> np.ndarray:
        return self._hashes(np.unique(shingles)).min(axis=0)

    def _segment_signatures(self, groups: list[np.ndarray]) -> np.ndarray:
        starts = np.cumsum([0] + [len(g) for g in groups[:-1]])
        return np.minimum.reduceat(self._hashes(np.concatenate(groups)), starts, axis=0)

    # ------------------------------------------------------------------ clustering

    def signatures(self) -> list[np.ndarray | None]:
        """Each document's signature over its body and its non-boilerplate short lines."""
        boiler = {k for k, c in self._line_docs.items() if c >= self.min_docs}
        out: list[np.ndarray | None] = []
        for body, short in zip(self._body, self._short):
            parts = [self._line_sig[k] for k in short if k not in boiler]
            if body is not None:
                parts.append(body)
            out.append(np.minimum.reduce(parts) if parts else None)
        return out

    def origins(self) -> dict[str, str]:
        """doc id -> origin doc id (the first-ingested document of its near-duplicate cluster)."""
        sigs = self.signatures()
        self._line_sig.clear()  # no longer needed; the clusters are all that is kept
        uf = UnionFind()
        for _ in sigs:
            uf.add()
        checked: set[tuple[int, int]] = set()

        def check(i: int, j: int) -> None:
            if i > j:
                i, j = j, i
            if (i, j) in checked or uf.find(i) == uf.find(j):
                return
            checked.add((i, j))
            if float(np.mean(sigs[i] == sigs[j])) >= self.threshold:  # type: ignore[operator]
                uf.union(i, j)

        present = [i for i, s in enumerate(sigs) if s is not None]
        for b in range(self.bands):
            lo, hi = b * self.rows, (b + 1) * self.rows
            buckets: dict[bytes, list[int]] = {}
            for i in present:
                buckets.setdefault(sigs[i][lo:hi].tobytes(), []).append(i)  # type: ignore[index]
            for members in buckets.values():
                if len(members) < 2:
                    continue
                if len(members) <= _MAX_BUCKET:
                    for x in range(len(members)):
                        for y in range(x + 1, len(members)):
                            check(members[x], members[y])
                else:  # a huge bucket: chain neighbours and the first member
                    for x in range(1, len(members)):
                        check(members[0], members[x])
                        check(members[x - 1], members[x])
        return {doc_id: self.doc_ids[uf.find(i)] for i, doc_id in enumerate(self.doc_ids)}


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash slots: an unbiased estimate of the Jaccard resemblance."""
    return float(np.mean(a == b))
