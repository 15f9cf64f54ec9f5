"""The public pages: /fact-checks/ (index, pages, their embeddable cards and oEmbed, sources, publishers, feed,
methods), /sitemap.xml, /robots.txt."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import embed, sources, views
from .feeds import FactCheckFeed
from .sitemaps import FactCheckSitemap, PagesSitemap, PublisherSitemap, SourceSitemap

app_name = "public"

urlpatterns = [
    path("fact-checks/", views.fact_check_index, name="index"),
    path("fact-checks/feed/", FactCheckFeed(), name="feed"),
    path("fact-checks/methods/", views.methods, name="methods"),
    path("fact-checks/oembed/", embed.oembed, name="oembed"),
    path("fact-checks/sources/<int:pk>-<slug:slug>/", sources.source_page, name="source"),
    path("fact-checks/publishers/<int:pk>-<slug:slug>/", sources.publisher_page, name="publisher"),
    path("fact-checks/<int:pk>/", views.fact_check, name="fact-check-short"),
    path("fact-checks/<int:pk>-<slug:slug>/", views.fact_check, name="fact-check"),
    path("fact-checks/<int:pk>-<slug:slug>/embed/", embed.fact_check_embed, name="embed"),
    path(
        "sitemap.xml",
        sitemap,
        {
            "sitemaps": {
                "fact-checks": FactCheckSitemap,
                "sources": SourceSitemap,
                "publishers": PublisherSitemap,
                "pages": PagesSitemap,
            }
        },
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
