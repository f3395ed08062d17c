"""Values a page may read a few seconds old, kept per process (a memo, not a cache to invalidate).

For data that changes rarely and is read on nearly every page (the active period, an agency's work
units for the filter bar): the query and its ORM work cost more than the rest of such a page's
reads. A value is loaded again after `seconds`, and at once in the process that saves or deletes
the model (the owners connect `forget` to their signals); other processes see a change within
`seconds`. Never for what a write decides on: writes read their rows fresh, under lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from time import monotonic
from typing import Generic, TypeVar

T = TypeVar("T")


class ShortMemo(Generic[T]):
    def __init__(self, seconds: float, size: int = 1024):
        self.seconds = seconds
        self.size = size
        self._items: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        now = monotonic()
        item = self._items.get(key)
        if item is not None and item[0] > now:
            return item[1]
        value = load()
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()  # a bound, not an LRU: entries live seconds anyway
            self._items[key] = (now + self.seconds, value)
        return value

    def forget(self) -> None:
        with self._lock:
            self._items.clear()
