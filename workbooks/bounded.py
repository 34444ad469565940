"""The two moves of the adapters' small bounded memories (a part's bytes or text → what was found in it), made safe
for the server's threads, which read and write workbooks at once: dropping the oldest entry, and moving an entry to
the end (most recently used). Each is a few dictionary steps another thread may interleave with; here a race loses
an entry at most — it never raises (``KeyError``, "dictionary changed size during iteration": an internal error for
the workbook being written) and never pairs a key with another key's value (every value is a pure function of its
key, so an entry lost is found again the slow way)."""

from __future__ import annotations

_MISSING = object()

# A memory keyed by a whole part keeps no part larger than this, so its bound in entries is a bound in bytes too
# (a template's parts are well under it; a 20 MB sheet is parsed again rather than kept).
PART_KEPT_MAX = 2 << 20


def evict_oldest(memo: dict) -> None:
    """Drop the entry put in first (nothing when another thread emptied or changed the memory meanwhile)."""
    try:
        memo.pop(next(iter(memo)), None)
    except (StopIteration, RuntimeError):
        pass


def refresh(memo: dict, key: object) -> None:
    """Move ``key``'s entry to the end, the last to be dropped (nothing when another thread dropped it)."""
    value = memo.pop(key, _MISSING)
    if value is not _MISSING:
        memo[key] = value
