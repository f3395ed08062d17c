"""A record's status badge and flag badges are written in one place (registry_tags.status_badge and
flag_badges): the list rows, the worker page, and the verification page show the same element
(the worker's home: tests/accounts/test_worker_home_badge.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.models import Status
from tests.factories import WorkerRecordFactory
from tests.html import parse

pytestmark = pytest.mark.django_db


def badge(content: bytes) -> tuple[set[str], str]:
    element = parse(content).select("span", cls="status-badge")[0]
    return element.classes, element.text


def test_the_status_badge_is_one_element_on_the_list_the_worker_page_and_the_verification_page(
    login, operator, agency, period
):
    record = WorkerRecordFactory(agency=agency, period=period, status=Status.SUBMITTED)
    client = login(operator)
    expected = ({"badge", "status-badge", "status-submitted"}, "Dikirim")
    assert badge(client.get(reverse("registry:worker-list")).content) == expected
    assert badge(client.get(reverse("registry:worker-detail", args=[record.pk])).content) == expected
    assert badge(client.get(reverse("verify:record", args=[record.pk])).content) == expected


def test_a_status_badge_escapes_its_label():
    from registry.templatetags.registry_tags import flag_badges, status_badge

    assert str(status_badge("x", "<b>")) == '<span class="badge status-badge status-x">&lt;b&gt;</span>'
    flag = parse(str(flag_badges([("Usia", 'a "b" <c>')]))).one("span", cls="flag-badge")
    assert (flag.attrs["title"], flag.text) == ('a "b" <c>', "Usia")
