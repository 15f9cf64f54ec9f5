from django.urls import path
from rest_framework.routers import SimpleRouter

from jobs.api import JobCancelView, JobDetailView

from .consistency import ConsistencyView
from .factcheck_tools import ClaimSearchView
from .imports import ImportStartView
from .intake import IntakeAcceptView, IntakeAttachView, IntakeDismissView, IntakeView
from .source_views import PublisherViewSet, SourceViewSet
from .views import AppearanceViewSet, ClaimReviewFeedView, ClaimViewSet, EvidenceViewSet

router = SimpleRouter()
router.register("claims", ClaimViewSet, basename="claim")
router.register("appearances", AppearanceViewSet, basename="appearance")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("claimreviews", ClaimReviewFeedView, basename="claimreview-feed")
router.register("sources", SourceViewSet, basename="source")
router.register("publishers", PublisherViewSet, basename="publisher")

urlpatterns = [
    path("claims:search", ClaimSearchView.as_view(), name="claims-search"),
    path("imports/", ImportStartView.as_view(), name="import-start"),
    path("intake/", IntakeView.as_view(), name="intake"),
    path("intake/<int:pk>/accept/", IntakeAcceptView.as_view(), name="intake-accept"),
    path("intake/<int:pk>/attach/", IntakeAttachView.as_view(), name="intake-attach"),
    path("intake/<int:pk>/dismiss/", IntakeDismissView.as_view(), name="intake-dismiss"),
    path("consistency/", ConsistencyView.as_view(), name="consistency"),
    path("jobs/<int:pk>/", JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/cancel/", JobCancelView.as_view(), name="job-cancel"),
    *router.urls,
]
