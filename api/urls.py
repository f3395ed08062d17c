"""The HR-system API's URLs (`/api/v1/`): workers, changes, the agency, national reads, the
OpenAPI schema and docs. Managing API keys is a portal page (api/urls_portal.py)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views

app_name = "api"

urlpatterns = [
    path("workers/", views.WorkerListView.as_view(), name="worker-list"),
    path("workers/bulk/", views.WorkerBulkView.as_view(), name="worker-bulk"),
    path("workers/<int:pk>/", views.WorkerDetailView.as_view(), name="worker-detail"),
    path("workers/<int:pk>/release/", views.WorkerReleaseView.as_view(), name="worker-release"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("agency/", views.AgencyView.as_view(), name="agency"),
    path("national/agencies/", views.NationalAgenciesView.as_view(), name="national-agencies"),
    path("national/records/", views.NationalRecordsView.as_view(), name="national-records"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^", views.not_found),
]
