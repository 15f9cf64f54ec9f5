"""The admin's import page: the dry run's records per kind, an update's changed fields, errors with their records,
the uploaded file's own name (page and audit trail), the CSV template, and the import format's page and schema."""

import csv
import html
import io
import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.urls import reverse

from claims.importers import import_files
from claims.importers.readers import CSV_COLUMNS
from claims.models import Claim
from claims.quantities import format_quantity

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
IMPORT_URL = "admin:claims_claim_import"
ARTICLE = "Bilateral trade between the two countries has grown, reaching approximately $245 billion [2] annually."


def upload(client, name, content):
    file = io.BytesIO(content.encode())
    file.name = name
    return client.post(reverse(IMPORT_URL), {"file": file}, follow=True)  # to the dry run's job, run eagerly


def document(n_claims=1, **first) -> dict:
    claims = [
        {
            "key": f"trade-{n}",
            "subject": f"Trade {n}",
            "claim_type": "current_value",
            "quantity": f"approximately ${n + 1} billion",
            "period": "2024",
            "evidence": [{"source": "ref", "relation": "cited", "locator": "reference [2]"}],
        }
        for n in range(n_claims)
    ]
    claims[0]["appearances"] = [{"source": "article", "quote": "reaching approximately $245 billion"}]
    claims[0] |= first
    return {
        "publishers": [{"name": "Anadolu Agency"}],
        "sources": [
            {"key": "article", "title": "The article", "publisher": "Anadolu Agency", "text": ARTICLE},
            {"key": "ref", "title": "Customs statistics"},
        ],
        "claims": claims,
    }


def table(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</table>", start)]


def test_the_preview_shows_each_kind_s_records(client, desk_admin):
    client.force_login(desk_admin)
    page = html.unescape(upload(client, "trade.json", json.dumps(document())).content.decode())
    assert "Dry run of trade.json: nothing written yet" in page and not Claim.objects.exists()
    assert "Anadolu Agency" in table(page, "import-publisher-created")
    sources = table(page, "import-source-created")
    assert "sources[0]" in sources and "The article" in sources and "Customs statistics" in sources
    claims = table(page, "import-claim-created")
    figure = format_quantity(Decimal("1000000000"), "USD", "approximately")
    assert "claims[0]" in claims and "trade-0" in claims and "Trade 0" in claims and figure in claims
    assert "reaching approximately $245 billion" in table(page, "import-appearance-created")
    assert "trade-0 · key:ref · cited" in table(page, "import-evidence-created")
    assert 'id="confirm-import"' in page


def test_the_preview_shows_an_update_s_changed_fields_and_counts_the_rest(client, desk_admin, tmp_path):
    first = tmp_path / "first.json"
    first.write_text(json.dumps(document(n_claims=25)), encoding="utf-8")
    assert import_files([first]).ok
    client.force_login(desk_admin)
    changed = document(n_claims=25, subject="China–Russia trade", quantity="approximately $3 billion")
    page = html.unescape(upload(client, "second.json", json.dumps(changed)).content.decode())
    updated = table(page, "import-claim-updated")
    assert "trade-0" in updated
    assert "<b>subject</b>: <del>Trade 0</del> → <ins>China–Russia trade</ins>" in updated
    old, new = (format_quantity(Decimal(v), "USD", "approximately") for v in ("1000000000", "3000000000"))
    assert f"<b>figure</b>: <del>{old}</del> → <ins>{new}</ins>" in updated
    unchanged = table(page, "import-claim-unchanged")
    assert "trade-1" in unchanged and "trade-20" in unchanged and "trade-21" not in unchanged
    assert "… and 4 more" in unchanged  # 24 unchanged, the first 20 shown
    assert Claim.objects.get(key="trade-0").subject == "Trade 0"


def test_errors_are_shown_with_their_record_key_and_field(client, desk_admin):
    client.force_login(desk_admin)
    content = "key,subject,claim_type,value,unit\nk1,A,ranking,1,count\nk2,B,ranking,x,count\n,C,ranking,3,parsecs\n"
    response = upload(client, "ranks.csv", content)
    page = html.unescape(response.content.decode())
    assert "ranks.csv can't be imported" in page and 'id="confirm-import"' not in page
    errors = table(page, "import-claim-errors")
    rows = errors.split("<tr>")[2:]
    assert ">line 3</td>" in rows[0] and ">k2</td>" in rows[0] and "<td>value</td>" in rows[0]
    assert "is not a number" in rows[0]
    assert ">line 4</td>" in rows[1] and ">C</td>" in rows[1] and "<td>unit</td>" in rows[1]  # no key: its subject
    assert "k1" in table(page, "import-claim-created")  # what the rest of the file would do
    assert not Claim.objects.exists()


def test_the_file_s_own_name_is_shown_and_recorded_in_the_history(client, desk_admin):
    client.force_login(desk_admin)
    preview = upload(client, "May trade\u202e figures.json", json.dumps(document()))
    page = html.unescape(preview.content.decode())
    assert "Dry run of May trade figures.json" in page
    token = preview.context["token"]
    assert token not in page.replace(f'value="{token}"', "")  # only the form's hidden field holds the token
    done = client.post(reverse(IMPORT_URL), {"token": token}, follow=True)
    assert "Imported May trade figures.json" in html.unescape(done.content.decode())
    claim = Claim.objects.get(key="trade-0")
    assert claim.history.get().history_change_reason == "import May trade figures.json"
    assert claim.appearances.get().history.get().history_change_reason == "import May trade figures.json"


def test_the_csv_template_downloads_and_imports_cleanly(client, desk_admin, fact_checker):
    client.force_login(desk_admin)
    page = client.get(reverse(IMPORT_URL)).content.decode()
    template_url = reverse("admin:claims_claim_import_template")
    assert f'href="{template_url}"' in page
    response = client.get(template_url)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert tuple(next(csv.reader(io.StringIO(text)))) == CSV_COLUMNS
    preview = upload(client, "template.csv", text)
    assert preview.context["result"].ok, [str(problem) for problem in preview.context["result"].errors]
    assert preview.context["result"].counts["claim"]["created"] == 2 and not Claim.objects.exists()
    client.force_login(fact_checker)  # staff: may read the format and its template without importing
    assert client.get(template_url).status_code == 200


def test_the_format_page_renders_the_doc_and_links_its_schema(client, fact_checker):
    client.force_login(fact_checker)
    format_url = reverse("admin:claims_claim_import_format")
    page = client.get(format_url).content.decode()
    assert "<table>" in page and '<h2 id="natural-keys">Natural keys</h2>' in page
    assert "<code>claims[12]</code>" in page  # inline code, from the Markdown
    assert '<pre><code class="language-json">' in page
    assert "<li><strong>Versions.</strong>" in page  # a list, not a paragraph of dashes
    schema_url = reverse("admin:claims_claim_import_schema")
    # the doc's own link to the schema beside it works from the page, as in the repository
    assert urljoin(format_url, "import-format.schema.json") == schema_url
    assert 'href="import-format.schema.json"' in page
    schema = client.get(schema_url)
    assert "attachment" in schema["Content-Disposition"]
    expected = json.loads((ROOT / "docs" / "import-format.schema.json").read_text(encoding="utf-8"))
    assert json.loads(b"".join(schema.streaming_content)) == expected


def test_the_import_page_links_the_format_page(client, desk_admin):
    client.force_login(desk_admin)
    page = client.get(reverse(IMPORT_URL)).content.decode()
    assert f'href="{reverse("admin:claims_claim_import_format")}"' in page
    assert "docs/import-format.md" not in page


def test_the_format_pages_are_for_staff_only(client, django_user_model):
    urls = [
        reverse(name)
        for name in (
            "admin:claims_claim_import_format",
            "admin:claims_claim_import_schema",
            "admin:claims_claim_import_template",
        )
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("reader", password="x"))  # not staff
    for url in urls:
        assert client.get(url).status_code == 302


def test_the_preview_s_queries_do_not_grow_with_its_rows(client, desk_admin, settings):
    """The report's rows are the importer's own, kept as it writes: a preview of 3 claims and one of 25 (with their
    evidence and its figures, each in one batch here) run the same queries, the page's rendering none per row.
    Counted with an execute wrapper: the importer clears Django's query log after every flush."""
    from django.db import connection

    settings.IMPORT_BATCH_SIZE = 1000
    client.force_login(desk_admin)

    def queries(n_claims: int) -> int:
        content = document(n_claims=n_claims)
        for claim in content["claims"]:
            claim["evidence"][0]["source_value"] = "2000000000"
        executed = []
        with connection.execute_wrapper(lambda execute, sql, *args: executed.append(sql) or execute(sql, *args)):
            response = upload(client, "a.json", json.dumps(content))
        assert response.status_code == 200 and response.context["result"].ok
        assert len(response.context["result"].shown.rows[("evidence", "created")]) == min(n_claims, 20)
        return len(executed)

    assert queries(3) == queries(25)


def test_a_file_that_can_t_be_read_is_reported_as_the_file_s_error(client, desk_admin):
    client.force_login(desk_admin)
    page = html.unescape(upload(client, "broken.json", '{"claims": [').content.decode())
    assert "broken.json can't be imported" in page
    assert "is not valid JSON" in table(page, "import-file-errors")
    assert 'id="import-claim"' not in page and 'id="confirm-import"' not in page
