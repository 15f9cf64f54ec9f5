"""The source pages end whole: no help text carries markup the admin would print as HTML (a literal <title> once
swallowed the rest of the add and change pages, their Save button included)."""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db
MARKUP = re.compile(r"<[a-zA-Z/!]")


def test_no_help_text_of_the_desk_holds_markup():
    found = [
        f"{model._meta.label}.{field.name}: {field.help_text}"
        for app in ("claims", "sources")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if MARKUP.search(str(getattr(field, "help_text", "") or ""))
    ]
    assert found == []


@pytest.mark.parametrize("who", ["admin_user", "fact_checker"])
def test_the_source_add_and_change_pages_reach_their_save_button(client, request, who):
    client.force_login(request.getfixturevalue(who))
    source = SourceFactory(text="Trade reached $245 billion in 2024.")
    for url in (reverse("admin:sources_source_add"), reverse("admin:sources_source_change", args=[source.pk])):
        page = client.get(url).content.decode()
        assert 'name="_save"' in page, url
        assert page.rstrip().endswith("</html>") and "<title>" not in page.split("</head>", 1)[1], url
