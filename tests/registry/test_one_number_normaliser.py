"""Issue 16, point 10: one normaliser for NIK and KK on every path. A KK typed with dots, as on the
card, is accepted by the form and by the import alike (registry.validators.identity_number)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.models import WorkerRecord
from tests.factories import make_kk
from tests.registry.support import import_row, upload, worker_fields, xlsx_bytes

pytestmark = pytest.mark.django_db


def _dotted(number: str) -> str:
    return f"{number[:4]}.{number[4:8]}.{number[8:12]}.{number[12:]}"


def test_a_kk_typed_with_dots_is_accepted_by_the_import_as_by_the_form(login, operator, agency, period, unit):
    client = login(operator)
    kk = make_kk(serial=7)
    client.post(reverse("registry:worker-create"), worker_fields(kk=_dotted(kk)))
    assert WorkerRecord.objects.filter(kk=kk).count() == 1
    content = xlsx_bytes([import_row(serial=2, kk=_dotted(kk))])
    client.post(reverse("registry:import-upload"), {"file": upload(content)}, follow=True)
    assert WorkerRecord.objects.filter(kk=kk).count() == 2
