"""The public pages: /fact-checks/ (index, pages, feed, methods), /sitemap.xml, /robots.txt."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .feeds import FactCheckFeed
from .sitemaps import FactCheckSitemap, PagesSitemap

app_name = "public"

urlpatterns = [
    path("fact-checks/", views.fact_check_index, name="index"),
    path("fact-checks/feed/", FactCheckFeed(), name="feed"),
    path("fact-checks/methods/", views.methods, name="methods"),
    path("fact-checks/<int:pk>/", views.fact_check, name="fact-check-short"),
    path("fact-checks/<int:pk>-<slug:slug>/", views.fact_check, name="fact-check"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"fact-checks": FactCheckSitemap, "pages": PagesSitemap}},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
