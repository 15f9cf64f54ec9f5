"""The desk's admin pages that belong to no model (included by the project's URLs under /admin/): the charts."""

from django.contrib import admin
from django.urls import path

from .charts import charts_view

urlpatterns = [
    path("", admin.site.admin_view(charts_view), name="desk_charts"),
]
