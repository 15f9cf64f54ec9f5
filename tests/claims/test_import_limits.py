"""The importer under files built to exhaust it: deep nesting, huge strings, long numbers, huge records, big uploads.

Each limit is refused with a message naming where (line and column, record or line), by the engine, the command
(non-zero exit, no traceback) and the admin's import page, and before a parser builds what the file describes.
"""

import io
import json
import resource
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from claims.importers import engine, import_files
from claims.models import Claim
from tests.claims.test_importer import ROOT, _subprocess_env, claim, only_error, write

pytestmark = pytest.mark.django_db
DEEP = 100_000  # the nesting of the files that grew the importer to gigabytes
# In-process files nest less deep: before the limits, ijson's prefixes at this depth cost tens of megabytes, not
# gigabytes, so that a run of these tests on the old code fails instead of exhausting the machine.
NESTED = 3_000


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_nesting_deeper_than_the_limit_is_refused_naming_line_and_column(tmp_path):
    path = write(tmp_path, "deep.json", '{"claims": [\n  ' + nested(NESTED) + "]}")
    error = only_error(import_files([path]), "nests deeper than 10 levels of [ and {", "at line 2, column 11")
    assert error.file == str(path)


def test_jsonl_nesting_is_refused_instead_of_a_recursion_error(tmp_path):
    path = write(
        tmp_path,
        "deep.jsonl",
        json.dumps({"type": "claim", **claim(1)}) + '\n{"type": "claim", "subject": ' + nested(DEEP) + "}\n",
    )
    error = only_error(import_files([path]), "nests deeper than 10 levels", "at column 39")
    assert error.record == "line 2"


def test_the_formats_own_nesting_passes_and_a_deep_wrong_value_is_a_field_error(tmp_path):
    from claims.importers.scan import MAX_DEPTH

    assert MAX_DEPTH >= 6  # {file [claims {claim [appearances {appearance {source reference
    deepest = "[" * (MAX_DEPTH - 3) + "]" * (MAX_DEPTH - 3)  # inside {file [section {record: at the limit
    path = write(tmp_path, "a.json", '{"claims": [{"subject": ' + deepest + ', "claim_type": "ranking"}]}')
    only_error(import_files([path]), "claims[0]: field 'subject': must be text, got list")


def test_malformed_json_before_a_deep_part_is_located_without_recursing(tmp_path):
    # ijson stops at NaN in the first chunk; json.loads, which reads NaN, would go on into the nesting.
    path = write(tmp_path, "a.json", '{"claims": [NaN, ' + " " * 70_000 + nested(DEEP) + "]}")
    only_error(import_files([path]), "nests deeper than 10 levels", "line 1, column 70,026")


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        # ijson's C backend crashed the process on an integer of more than 4,300 digits
        ("a.json", '{"claims": [{"subject": "x", "claim_type": "ranking", "value": 1' + "1" * 5000 + "}]}", "line 1"),
        ("a.jsonl", '{"type": "claim", "subject": "x", "claim_type": "ranking", "value": ' + "1" * 5000 + "}\n", ""),
    ],
)
def test_a_number_of_thousands_of_digits_is_refused(tmp_path, name, content, fragment):
    only_error(import_files([write(tmp_path, name, content)]), "holds a number of more than 100 digits", fragment)


@pytest.mark.parametrize("name", ["a.json", "a.jsonl"])
def test_huge_exponents_are_field_errors(tmp_path, name):
    record = '{"subject": "x", "claim_type": "ranking", "value": 1e999999, "unit": "count"}'
    content = f'{{"claims": [{record}]}}' if name == "a.json" else '{"type": "claim", ' + record[1:] + "\n"
    only_error(import_files([write(tmp_path, name, content)]), "field 'value': 1E+999999 is too large")


def test_a_string_longer_than_the_record_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_RECORD_BYTES = 100_000
    path = write(tmp_path, "a.json", '{"claims": [{"subject": "' + "x" * 300_000 + '", "claim_type": "ranking"}]}')
    only_error(import_files([path]), "holds a string of more than 100,000 bytes", "at line 1, column 25")


def test_a_record_larger_than_the_limit_is_refused_by_name(tmp_path, settings):
    settings.IMPORT_MAX_RECORD_BYTES = 100_000
    many_keys = ", ".join(f'"k{i}": 0' for i in range(40_000))  # 400 KB of keys in one record
    path = write(tmp_path, "a.json", '{"claims": [' + json.dumps(claim(1)) + ", {" + many_keys + "}]}")
    only_error(import_files([path]), "claims[1]: is a record of more than 100,000 bytes")


def test_a_jsonl_line_and_a_csv_row_larger_than_the_limit_are_refused(tmp_path, settings):
    settings.IMPORT_MAX_RECORD_BYTES = 10_000
    long_line = json.dumps({"type": "claim", **claim(2, subject="x" * 20_000)})
    jsonl = write(tmp_path, "a.jsonl", json.dumps({"type": "claim", **claim(1)}) + "\n" + long_line + "\n")
    only_error(import_files([jsonl]), "line 2: is a record of more than 10,000 bytes")
    # a row of cells over many lines: each quoted cell is short, the row is not
    csv = write(tmp_path, "a.csv", "subject,claim_type\nA,ranking\n" + '"x\n",' * 5_000 + "\n")
    only_error(import_files([csv]), "line 3: is a record of more than 10,000 bytes")


def test_a_text_file_larger_than_the_record_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_RECORD_BYTES = 1_000
    (tmp_path / "long.txt").write_text("x" * 2_000, encoding="utf-8")
    path = write(tmp_path, "a.json", {"sources": [{"key": "s", "text_file": "long.txt"}]})
    only_error(import_files([path]), "sources[0]: field 'text_file': file 'long.txt' is larger than 1,000 bytes")


def test_a_section_twice_is_refused(tmp_path):
    path = write(tmp_path, "a.json", '{"claims": [], "claims": [' + json.dumps(claim(1)) + "]}")
    only_error(import_files([path]), "has the section 'claims' twice")


def test_batches_are_written_by_bytes_too(tmp_path, settings, monkeypatch):
    settings.IMPORT_BATCH_SIZE, settings.IMPORT_BATCH_BYTES = 1_000, 1_000
    sizes: list[int] = []
    write_claims = engine.WRITERS["claim"]

    def counting(importer, batch):
        sizes.append(len(batch))
        write_claims(importer, batch)

    monkeypatch.setitem(engine.WRITERS, "claim", counting)
    records = [claim(n, subject=f"Trade {n} " + "x" * 150) for n in range(30)]  # about 250 bytes each
    path = write(tmp_path, "a.jsonl", "".join(json.dumps({"type": "claim", **r}) + "\n" for r in records))
    assert import_files([path]).ok
    assert sum(sizes) == 30 and max(sizes) <= 4 and len(sizes) >= 8, sizes
    assert Claim.objects.count() == 30


def test_the_scanner_finds_each_limit_across_chunk_boundaries():
    from claims.importers.scan import JSONScanner

    def problem(text: bytes, size: int) -> str:
        scanner = JSONScanner(max_string_bytes=50)
        try:
            for start in range(0, len(text), size):
                scanner.feed(text[start : start + size])
        except Exception as exc:  # noqa: BLE001 - the test reads its message
            return str(exc)
        return ""

    for size in (1, 2, 7, 1 << 16):  # a chunk may end inside a string, an escape or a number
        assert problem(b'{"a": "[[[[[[[[[[[[\\"[[[[", "b": [1, 22, 333]}', size) == ""
        assert problem(b'{"a": "x\\\\", "b":\n [[[[[[[[[[]]]]]]]]]]}', size) == (
            "nests deeper than 10 levels of [ and { at line 2, column 11"
        )
        assert problem(b'{"a":\n "' + b"x" * 51 + b'"}', size).startswith("holds a string of more than 50 bytes")
        assert problem(b'{"a": "' + b"x" * 50 + b'"}', size) == ""
        assert problem(b'{"a": [' + b"1" * 101 + b"]}", size).startswith("holds a number of more than 100 digits")
        assert problem(b'{"a": "' + b"1" * 40 + b'", "b": ' + b"1" * 100 + b"}", size) == ""


# --- the command and the admin -------------------------------------------------------------------------------------
def test_the_command_refuses_a_200_kb_nested_file_within_bounded_memory(tmp_path):
    path = write(tmp_path, "deep.json", '{"claims": [' + nested(DEEP) + "]}")
    assert 190_000 < path.stat().st_size < 210_000

    def bounded() -> None:  # the importer grew to 10-23 GB on this file: a 2 GB address space ends that early
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    run = subprocess.run(
        [sys.executable, "manage.py", "import_claims", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_subprocess_env(),
        check=False,
        preexec_fn=bounded,  # noqa: PLW1509 - the child runs no threads before exec
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "deep.json: nests deeper than 10 levels of [ and { at line 1, column 21" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_command_reports_a_limit_with_a_non_zero_exit(tmp_path, capsys):
    path = write(tmp_path, "deep.jsonl", '{"type": "claim", "subject": ' + nested(DEEP) + "}\n")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_claims", str(path))
    assert "deep.jsonl: line 1: nests deeper than 10 levels of [ and { at column 39" in capsys.readouterr().err


def _upload(client, name: str, content: bytes):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("admin:claims_claim_import"), {"file": file})


def test_the_import_page_shows_a_nested_upload_as_an_error(client, desk_admin):
    client.force_login(desk_admin)
    upload = _upload(client, "deep.json", ('{"claims": [' + nested(NESTED) + "]}").encode())
    assert upload.status_code == 302  # to the dry run's job, which ran at once here (the tests' eager backend)
    page = client.get(upload.url)
    assert page.status_code == 200 and not page.context.get("token")
    assert [problem.message for problem in page.context["result"].errors] == [
        "nests deeper than 10 levels of [ and { at line 1, column 21"
    ]
    assert "nests deeper than 10 levels" in page.content.decode()


def test_the_import_page_refuses_a_file_over_the_upload_limit(client, desk_admin, settings, tmp_path):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1_000
    settings.IMPORT_UPLOAD_DIR = str(tmp_path)
    client.force_login(desk_admin)
    page = _upload(client, "big.json", json.dumps({"claims": [claim(n) for n in range(20)]}).encode())
    [message] = page.context["form"].errors["file"]
    assert message.startswith("big.json is 2,") and "at most 1,000 bytes." in message
    assert "result" not in page.context and not list(tmp_path.iterdir())  # nothing stored, nothing checked
