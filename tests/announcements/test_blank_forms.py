"""`{{ form|crispy_blank }}` (nonasn/templatetags/blank_forms.py) draws what `{{ form|crispy }}` draws:
a blank public form's fields kept per language, its captcha drawn each time; any other form whole."""

from __future__ import annotations

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.utils import translation

from accounts.forms_worker import IdentityCheckForm
from announcements.forms import ComplaintForm, MissingReportForm, StatusCheckForm
from nonasn.templatetags.blank_forms import crispy_blank
from tests.announcements.complaints_support import (
    captcha_passes,  # noqa: F401 - fixture
    complaint_data,
    file_url,
    listed,
    prefinalise,
)

pytestmark = pytest.mark.django_db
CAPTCHA_KEY = re.compile(r"[0-9a-f]{40}")


def _same(html: str) -> str:
    """The drawing with each captcha's key (a new one every time it is drawn) made alike."""
    keys = CAPTCHA_KEY.findall(html)
    assert keys, "no captcha drawn"
    return CAPTCHA_KEY.sub("KEY", html)


@pytest.mark.parametrize("form_class", [ComplaintForm, MissingReportForm, StatusCheckForm, IdentityCheckForm])
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_blank_form_is_drawn_as_crispy_draws_it(form_class, language):
    with translation.override(language):
        for _ in range(2):  # drawn, then from what was kept
            assert _same(crispy_blank(form_class())) == _same(as_crispy_form(form_class()))


def test_the_kept_fields_are_the_language_of_the_page():
    with translation.override("id"):
        indonesian = crispy_blank(ComplaintForm())
    with translation.override("en"):
        english = crispy_blank(ComplaintForm())
    assert "Nama lengkap Anda" in indonesian and "Your full name" not in indonesian
    assert "Your full name" in english


def test_each_drawing_has_a_captcha_of_its_own():
    first, second = crispy_blank(StatusCheckForm()), crispy_blank(StatusCheckForm())
    assert set(CAPTCHA_KEY.findall(first)).isdisjoint(CAPTCHA_KEY.findall(second))


def test_a_bound_form_is_drawn_whole_with_its_errors_and_values():
    form = ComplaintForm(complaint_data(complainant_name="Warga Ketik", complainant_nik="123"))
    assert not form.is_valid()
    drawn = crispy_blank(form)
    assert _same(drawn) == _same(as_crispy_form(form))
    assert 'value="Warga Ketik"' in drawn and "16 digit" in drawn


def test_a_form_with_initial_values_or_fewer_fields_is_drawn_whole():
    prefilled = IdentityCheckForm(initial={"nik": "3273011203900001"})
    assert 'value="3273011203900001"' in crispy_blank(prefilled)
    fewer = ComplaintForm()
    del fewer.fields["evidence"]
    drawn = crispy_blank(fewer)
    assert 'name="evidence"' not in drawn and 'name="description"' in drawn


@pytest.mark.usefixtures("captcha_passes")
def test_the_complaint_page_shows_the_blank_form_and_keeps_what_was_typed(client, agency, period):
    prefinalise(agency, period)
    person = listed(agency, period)
    pages = [client.get(file_url(agency, person)).content.decode() for _ in range(2)]
    for page in pages:
        for name in (
            "complainant_name",
            "complainant_nik",
            "email",
            "phone",
            "description",
            "evidence",
            "captcha_1",
        ):
            assert f'name="{name}"' in page, name
    assert set(CAPTCHA_KEY.findall(pages[0])).isdisjoint(CAPTCHA_KEY.findall(pages[1]))
    typed = client.post(file_url(agency, person), complaint_data(complainant_name="Warga Ketik", phone="12"))
    body = typed.content.decode()
    assert 'value="Warga Ketik"' in body and 'id="error_1_id_phone"' in body
