from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Fact-checking desk"
admin.site.site_title = "Fact-checking desk"
# The desk's pages are wide (claim lists, evidence beside the claim's figure): the home page and the breadcrumbs
# lead everywhere the sidebar does, and its 300 px go to the work.
admin.site.enable_nav_sidebar = False
admin.site.index_title = "Claims, sources and evidence"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    # The desk in charts (claims.admin.charts), a staff page of the admin's beside its models' pages
    path("admin/charts/", include("claims.admin.urls")),
    # The intake's review of an article's figures (claims.admin.intake)
    path("admin/intake/", include("claims.admin.intake")),
    path("admin/consistency/", include("claims.admin.consistency_urls")),  # figures that disagree
    path("admin/", admin.site.urls),
    path("api/v1/", include(("factcheck.api.urls", "api"), namespace="api")),
    # Google's Fact Check Tools API's path, for its own client (claims.api.factchecktools_urls)
    path("factchecktools/", include("claims.api.factchecktools_urls")),
    # The public fact-check pages, sitemap.xml, robots.txt (claims.public)
    path("", include("claims.public.urls")),
]
handler500 = "factcheck.api.views.server_error_or_page"
