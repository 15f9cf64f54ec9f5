"""The file endings an import reads (claims.importers.readers.IMPORT_SUFFIXES): one table, from the readers, and the
command's folders, the admin upload and the readers accept and refuse the same files."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from claims.importers import import_files
from claims.importers.readers import IMPORT_SUFFIXES, READERS, import_endings, is_import_file
from claims.models import Claim

pytestmark = pytest.mark.django_db
RECORD = {"type": "claim", "key": "k1", "subject": "Trade", "claim_type": "ranking", "value": "1", "unit": "count"}
CONTENT = {
    ".json": json.dumps({"claims": [{k: v for k, v in RECORD.items() if k != "type"}]}),
    ".jsonl": json.dumps(RECORD) + "\n",
    ".ndjson": json.dumps(RECORD) + "\n",
    ".csv": "key,subject,claim_type,value,unit\nk1,Trade,ranking,1,count\n",
}


def test_the_endings_are_the_readers_own():
    assert IMPORT_SUFFIXES == (".json", ".jsonl", ".ndjson", ".csv")
    assert set(IMPORT_SUFFIXES) == {suffix for reader in READERS for suffix in reader.suffixes} == set(CONTENT)
    assert import_endings() == ".json, .jsonl, .ndjson or .csv"
    assert is_import_file("A.NDJSON") and not is_import_file("a.xlsx") and not is_import_file("json")


@pytest.mark.parametrize("suffix", IMPORT_SUFFIXES)
def test_each_ending_imports_through_the_command_folder_the_upload_and_the_reader(tmp_path, client, desk_admin, suffix):
    name = f"claims{suffix.upper()}"  # endings are read in any case
    (tmp_path / name).write_text(CONTENT[suffix], encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an import", encoding="utf-8")

    assert import_files([tmp_path / name], dry_run=True).ok

    client.force_login(desk_admin)
    upload = io.BytesIO(CONTENT[suffix].encode())
    upload.name = name
    preview = client.post(reverse("admin:claims_claim_import"), {"file": upload}, follow=True)
    assert preview.status_code == 200 and preview.context["token"] and preview.context["result"].ok
    assert not Claim.objects.exists()

    call_command("import_claims", str(tmp_path), stdout=io.StringIO())  # the folder's .txt is left out
    assert list(Claim.objects.values_list("key", flat=True)) == ["k1"]


def test_other_endings_are_refused_by_each_door_with_the_same_list(tmp_path, client, desk_admin):
    (tmp_path / "claims.xlsx").write_text("x", encoding="utf-8")
    endings = import_endings()

    result = import_files([tmp_path / "claims.xlsx"])
    assert not result.ok and f"expected {endings}" in str(result.errors[0])

    client.force_login(desk_admin)
    upload = io.BytesIO(b"x")
    upload.name = "claims.xlsx"
    page = client.post(reverse("admin:claims_claim_import"), {"file": upload})
    assert page.context["form"].errors["file"] == [f"claims.xlsx: expected a file ending in {endings}"]

    with pytest.raises(CommandError, match=f"folder holds no {endings} file"):
        call_command("import_claims", str(tmp_path))
    assert not Claim.objects.exists()
