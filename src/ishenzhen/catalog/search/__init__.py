"""The catalogue's in-process search engine: pure, no I/O, built once per catalogue snapshot.

``SearchIndex.build(documents)`` indexes the snapshot; ``SearchIndex.search(query, ...)`` ranks it. The
ranking rules are described in ``_index``; bitsets, pinyin and secondary-text matching live in the private
modules beside it.
"""

from ishenzhen.catalog.search._index import SearchDocument, SearchHit, SearchIndex, SearchResult

__all__ = ["SearchDocument", "SearchHit", "SearchIndex", "SearchResult"]
