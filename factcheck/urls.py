from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Fact-checking desk"
admin.site.site_title = "Fact-checking desk"
admin.site.index_title = "Claims, sources and evidence"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
