"""The API tests' shared helpers: a key, and a client that sends it as an HR system does."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from api.models import Scope
from api.services import api_key_create


def make_key(*, agency, actor=None, scope=Scope.WRITE, days=30, name="SIMPEG"):
    return api_key_create(
        name=name,
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
        agency=agency,
        actor=actor,
    )


class ApiClient:
    """The test client sending the key as a real HR system does (Authorization: Bearer)."""

    def __init__(self, token: str):
        self.client = Client()
        self.token = token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path, params=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path, body=None, headers=None):
        return self.client.post(
            path, body or {}, content_type="application/json", headers=self._headers(headers)
        )

    def put(self, path, body=None, headers=None):
        return self.client.put(
            path, body or {}, content_type="application/json", headers=self._headers(headers)
        )

    def patch(self, path, body=None, headers=None):
        return self.client.patch(
            path, body or {}, content_type="application/json", headers=self._headers(headers)
        )
