"""The agency portal's complaint URLs (`/instansi/aduan/`): the queue, one complaint, its answer
and evidence. The public side (filing) is announcements/urls_complaints.py."""

from django.urls import path

from announcements.views import agency_complaints

app_name = "portal-complaints"

urlpatterns = [
    path("", agency_complaints.complaint_list, name="list"),
    path("<int:pk>/", agency_complaints.complaint_detail, name="detail"),
    path("<int:pk>/jawab/", agency_complaints.complaint_answer_view, name="answer"),
    path("<int:pk>/bukti/", agency_complaints.evidence, name="evidence"),
]
