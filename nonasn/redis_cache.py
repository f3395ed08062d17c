"""Django's Redis cache backend, keeping one client object per connection pool.

django.core.cache.backends.redis makes a new `redis.Redis` object for every cache operation; its
constructor builds the command/response tables anew (some 170 dictionary entries), which cost more
than the round trip to Redis itself — on every logged-in page (the session is read through the
cache) and every cached count. A `redis.Redis` is safe to share between threads (each command takes
a connection from the pool), so one per pool is enough.
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._clients_lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._clients_lock:
                client = self._clients.get(index)
                if client is None:
                    if index not in self._pools:
                        self._pools[index] = self._pool_class.from_url(
                            self._servers[index], **self._pool_options
                        )
                    client = self._client(connection_pool=self._pools[index])
                    self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
