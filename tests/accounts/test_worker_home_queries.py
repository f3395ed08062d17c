"""The worker's home page has a pinned query budget."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_worker_home_runs_at_most_7_queries(worker_client, django_assert_max_num_queries):
    worker_client.get(reverse("worker:home"))  # warm the session row's last stamp
    # 1 session, 2 user, 3 record with agency, period and work unit, 4 its work history,
    # 5 its documents, 6 document kinds for what is missing, 7 the agency's submission phase (editable?)
    with django_assert_max_num_queries(7):
        response = worker_client.get(reverse("worker:home"))
    assert response.status_code == 200
    assert response.context["record"].registration_number in response.content.decode()
