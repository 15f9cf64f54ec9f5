"""Sources read as people name them, and their authors as names: in lists, pickers and on the claim page."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"title": "The flaw in Trump's genius China strategy"}, "The flaw in Trump's genius China strategy"),
        ({"title": "", "page_title": "Analyzing the latest Xi–Putin meeting"}, "Analyzing the latest Xi–Putin meeting"),
        ({"title": "", "kind": "analysis", "published_on": dt.date(2025, 1, 1), "published_precision": "year"},
         "Analysis / commentary by RUSI, 2025"),
        ({"title": "", "kind": "survey", "published_on": dt.date(2023, 5, 1), "published_precision": "month"},
         "Survey by RUSI, May 2023"),
        ({"title": "", "kind": "", "published_on": dt.date(2025, 5, 8), "published_precision": "day"},
         "Source by RUSI, 8 May 2025"),
        ({"title": "", "kind": "news"}, "News article by RUSI"),
        ({"title": "", "kind": "", "publisher": None, "url": "https://example.org/a"}, "https://example.org/a"),
        ({"title": "", "kind": "", "publisher": None, "url": "", "key": "seed-7"}, "seed-7"),
    ],
)  # fmt: skip
def test_a_source_label_is_its_title_else_what_who_and_when(fields, label):
    fields = {"publisher": PublisherFactory(name="RUSI"), **fields}
    assert str(SourceFactory(**fields)) == label


def test_authors_are_edited_as_names_one_per_line(client, fact_checker):
    client.force_login(fact_checker)
    source = SourceFactory(authors=["Oleksandr V Danylyuk"])
    url = reverse("admin:sources_source_change", args=[source.pk])
    page = client.get(url).content.decode()
    assert ">\nOleksandr V Danylyuk</textarea>" in page and "[&quot;" not in page

    form = {
        "key": source.key, "title": source.title, "publisher": source.publisher_id, "kind": source.kind,
        "url": source.url, "authors": "Robert E.  Kelly\n\n  Jane Doe \n", "text": "",
        "checks-TOTAL_FORMS": "0", "checks-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    source.refresh_from_db()
    assert source.authors == ["Robert E. Kelly", "Jane Doe"]
