"""The e-mails a complainant gets: the complaint was received, the complaint was answered. Sent
after the commit; a mail outage is logged and never undoes the filing or the answer.

What the e-mails say is in the templates (`announcements/complaint_email_*.txt`); when they are
sent is decided by `filing.py` and `answering.py`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from announcements.models import Complaint

logger = logging.getLogger(__name__)


def _mail(complaint: Complaint, *, subject: str, template: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "complaint": complaint,
            "status": complaint.get_status_display(),
            "track_url": settings.SITE_URL + reverse("complaints:track") + f"?ticket={complaint.ticket}",
        }
        body = render_to_string(template, context)
        subject = str(subject)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [complaint.email])
    except Exception:  # a mail outage must not undo the filing or the answer
        logger.exception("Complaint e-mail for complaint %s failed", complaint.pk)


def complaint_filed_notify(*, complaint_id: int) -> None:
    complaint = Complaint.objects.select_related("agency").filter(pk=complaint_id).first()
    if complaint is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your complaint %(ticket)s was received") % {"ticket": complaint.ticket}
    _mail(complaint, subject=subject, template="announcements/complaint_email_filed.txt")


def complaint_answered_notify(*, complaint_id: int) -> None:
    complaint = Complaint.objects.select_related("agency").filter(pk=complaint_id).first()
    if complaint is None or complaint.is_open:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your complaint %(ticket)s was answered: %(status)s") % {
            "ticket": complaint.ticket,
            "status": complaint.get_status_display(),
        }
    _mail(complaint, subject=subject, template="announcements/complaint_email_answered.txt")
