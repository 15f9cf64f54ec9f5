from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Fact-checking desk"
admin.site.site_title = "Fact-checking desk"
admin.site.index_title = "Claims, sources and evidence"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("factcheck.api.urls", "api"), namespace="api")),
]
handler500 = "factcheck.api.views.server_error_or_page"
