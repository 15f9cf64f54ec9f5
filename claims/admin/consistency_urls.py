"""/admin/consistency/: the consistency report (claims.admin.consistency), a staff page beside the models' pages."""

from django.contrib import admin
from django.urls import path

from .consistency import consistency_view

urlpatterns = [
    path("", admin.site.admin_view(consistency_view), name="desk_consistency"),
]
