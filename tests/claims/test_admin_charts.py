"""The desk in charts (claims.admin.charts): for the desk's staff only, linked from the admin's home page, each chart
an SVG beside the table of its numbers."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from claims.admin.charts import nice_ticks, number, period_span, stacked_bars, step_labels
from claims.charts import chart_period
from claims.choices import STATUS_COLOURS, Status
from tests.factories import AppearanceFactory, ClaimFactory, PublisherFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/charts/"
TABLES = (
    "status-over-time-table",
    "verdicts-by-rating-table",
    "time-to-verdict-table",
    "open-claims-table",
    "source-health-table",
    "claims-per-publisher-table",
)
CHARTS = ("chart-status", "chart-ratings", "chart-delay", "chart-open", "chart-health", "chart-publishers")


def desk_data(checker):
    publisher = PublisherFactory(name="RUSI")
    for status in (Status.UNVERIFIED, Status.IN_REVIEW, Status.IN_REVIEW):
        claim = ClaimFactory(status=status, assignee=checker)
        AppearanceFactory(claim=claim, source=SourceFactory(publisher=publisher), stated_on=claim.created_at.date())


def table(page: str, table_id: str) -> str:
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert found, f"no table {table_id}"
    return found.group(0)


def cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row_html, re.S)]


def row_of(table_html: str, name: str) -> list[str]:
    for row in re.findall(r"<tr>.*?</tr>", table_html, re.S):
        found = cells(row)
        if found and found[0] == name:
            return found
    raise AssertionError(f"no row {name!r} in the table")


@pytest.mark.parametrize("role", ["fact-checker", "journalist", "admin"])
def test_the_desk_staff_see_every_chart_with_its_table(client, role):
    user = UserFactory(username=f"someone-{role}", role=role)
    checker = UserFactory(username="ada", first_name="Ada", last_name="Byron", role="fact-checker")
    desk_data(checker)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for chart_id in CHARTS:
        assert f'<svg class="chart" id="{chart_id}"' in page
        assert f'<title id="{chart_id}-title">' in page and f'<desc id="{chart_id}-desc">' in page
    for table_id in TABLES:
        table(page, table_id)
    assert row_of(table(page, "open-claims-table"), "Ada Byron") == ["Ada Byron", "1", "2", "3"]
    assert row_of(table(page, "claims-per-publisher-table"), "RUSI") == ["RUSI", "1", "2", "0", "0", "0", "0", "3"]
    latest = cells(re.findall(r"<tr>.*?</tr>", table(page, "status-over-time-table").split("<tbody>")[1], re.S)[-1])
    assert latest[1:3] == ["1", "2"] and latest[-1] == "3"
    assert "<script" not in page.split('id="content-main"')[1]  # no script: the charts are drawn on the server


def test_status_colours_come_from_the_one_table(client, admin_user):
    ClaimFactory(status=Status.FALSE, reviewed_at=None)
    client.force_login(admin_user)
    page = client.get(URL).content.decode()
    for status in Status:
        assert f'fill="{STATUS_COLOURS[status]}"' in page  # every status's swatch in the legend


def test_the_admin_home_page_links_the_charts(client):
    client.force_login(UserFactory(role="journalist"))
    page = client.get(reverse("admin:index")).content.decode()
    assert f'href="{URL}" id="desk-charts-link"' in page
    assert reverse("desk_charts") == URL


def test_anonymous_and_non_staff_users_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(username="reader", is_staff=False))
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_staff_without_a_desk_role_may_not_see_them(client):
    client.force_login(UserFactory(username="nobody-in-particular"))
    assert client.get(URL).status_code == 403
    assert 'id="desk-charts-link"' not in client.get(reverse("admin:index")).content.decode()


def test_a_period_by_weeks_and_an_unknown_period(client, admin_user):
    client.force_login(admin_user)
    weekly = client.get(URL, {"months": "3"}).content.decode()
    assert "week of " in table(weekly, "status-over-time-table")
    assert '<option value="3" selected>' in weekly
    unknown = client.get(URL, {"months": "7"})
    assert unknown.status_code == 200
    page = unknown.content.decode()
    assert "Unknown period “7” (months): showing the last 12 months" in page
    assert len(re.findall(r"<tr><th scope=\"row\">", table(page, "status-over-time-table"))) == 12


def test_the_page_queries_do_not_grow_with_the_data(client, admin_user, django_assert_max_num_queries):
    client.force_login(admin_user)
    client.get(URL)  # the session and the user, once
    checker = UserFactory(username="ada", role="fact-checker")
    desk_data(checker)
    with django_assert_max_num_queries(14) as few:
        client.get(URL)
    for _ in range(5):
        desk_data(UserFactory(role="fact-checker"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (12, [0, 5, 10, 15]),
        (48, [0, 10, 20, 30, 40, 50]),
        (230, [0, 50, 100, 150, 200, 250]),
    ],
)
def test_round_ticks(maximum, ticks):
    assert nice_ticks(maximum) == ticks


@pytest.mark.parametrize(("value", "text"), [(3, "3"), (1234, "1,234"), (12.5, "12.5"), (10.0, "10")])
def test_numbers_as_the_charts_write_them(value, text):
    assert number(value) == text


def test_labels_are_escaped_and_long_ones_shortened():
    svg = stacked_bars(
        "chart-test",
        title="A <b> title",
        description="d",
        rows=[("<script>alert(1)</script> Agency of a very long name indeed", {"x": 2})],
        series=[],
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &lt;b&gt; title" in svg
    assert "…" in svg


NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def test_the_steps_named_under_the_charts():
    months = chart_period(12, now=NOW)
    assert step_labels(months)[:8] == [
        ("Jul", "2025"), ("Aug", ""), ("Sep", ""), ("Oct", ""), ("Nov", ""), ("Dec", ""), ("Jan", "2026"), ("Feb", ""),
    ]  # fmt: skip
    assert period_span(months) == "Jul 2025 – Jun 2026"
    weeks = chart_period(3, now=NOW)
    assert step_labels(weeks)[:6] == [("9", "Mar"), ("16", ""), ("23", ""), ("30", ""), ("6", "Apr"), ("13", "")]
    assert period_span(weeks) == "9 Mar 2026 – 15 Jun 2026"
