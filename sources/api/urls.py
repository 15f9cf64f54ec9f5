from rest_framework.routers import SimpleRouter

from .views import PublisherViewSet, SourceViewSet

router = SimpleRouter()
router.register("sources", SourceViewSet, basename="source")
router.register("publishers", PublisherViewSet, basename="publisher")

urlpatterns = router.urls
