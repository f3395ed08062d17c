"""Worker views are split by concern; the access-checked document view sits with the portal views.
URLs keep their names and paths."""

from __future__ import annotations

from django.urls import resolve, reverse

from accounts.views.worker import cards, registration, sections
from announcements.views import cards as public_cards
from registry.views import documents


def test_worker_urls_keep_their_paths_and_resolve_to_the_split_modules():
    expected = {
        "worker:register": ("/akun/buat/", registration.register),
        "worker:register-step2": ("/akun/buat/langkah-2/", registration.register_step2),
        "worker:home": ("/akun/", sections.home),
        "worker:biodata": ("/akun/biodata/", sections.biodata),
        "worker:documents": ("/akun/dokumen/", sections.documents),
        "worker:submit": ("/akun/kirim/", sections.submit),
        "worker:account-card": ("/akun/kartu-akun.pdf", cards.account_card),
        "worker:data-card": ("/akun/kartu-pendataan.pdf", cards.data_card),
        "card:verify": ("/verifikasi/abc/", public_cards.verify),  # the public site owns it
    }
    for name, (path, view) in expected.items():
        args = ["abc"] if name == "card:verify" else []
        assert reverse(name, args=args) == path
        assert resolve(path).func is view


def test_document_view_lives_with_the_portal_views_under_its_old_url():
    assert reverse("worker:document", args=[7]) == "/akun/dokumen/7/"
    assert resolve("/akun/dokumen/7/").func is documents.document_file
