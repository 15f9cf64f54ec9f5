"""Peak memory of `manage.py import_claims` on files built to exhaust it, and the JSON scanner's speed.

    .venv/bin/python bench/import_limits_bench.py [--database-url URL] [--workdir DIR] [--scan-mb 64]

Each file is imported with --dry-run in a child process under `/usr/bin/time -v` (its "Maximum resident set
size"); an import refused by a limit exits 1 and writes nothing. The child gets a 4 GB address space
(RLIMIT_AS), so that a regression ends in MemoryError instead of taking the machine. A baseline (one valid claim)
shows what Django and the importer take before any file. Prints figures; the test suite never runs it.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEEP = 100_000


def files(workdir: Path) -> dict[str, Path]:
    claim = {"key": "k", "subject": "Trade", "claim_type": "current_value", "value": "1", "unit": "USD"}
    contents = {
        "baseline.json (one valid claim)": json.dumps({"claims": [claim]}),
        "nested.json (100,000 nested arrays, 200 KB)": '{"claims": [' + "[" * DEEP + "]" * DEEP + "]}",
        "nested.jsonl (the same on a line)": '{"type": "claim", "subject": ' + "[" * DEEP + "]" * DEEP + "}\n",
        "long-string.json (a 64 MB string)": '{"claims": [{"subject": "' + "x" * (64 << 20) + '"}]}',
        "many-keys.json (one record, 2 million keys)": '{"claims": [{'
        + ",".join(f'"k{i}": 0' for i in range(2_000_000))
        + "}]}",
        "digits.json (a 100,000-digit integer)": '{"claims": [{"value": ' + "1" * 100_000 + "}]}",
        "exponent.json (1e999999)": '{"claims": [{"subject": "x", "claim_type": "ranking", "value": 1e999999}]}',
    }
    paths = {}
    for label, text in contents.items():
        path = workdir / label.split(" ")[0]
        path.write_text(text, encoding="utf-8")
        paths[label] = path
    return paths


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def peak(path: Path, env: dict[str, str]) -> tuple[int, int, float, str]:
    """(peak RSS in KB, exit code, seconds, the first line of stderr)."""
    command = ["/usr/bin/time", "-v", sys.executable, "manage.py", "import_claims", "--dry-run", "--no-progress"]
    command.append(str(path))
    start = time.perf_counter()
    run = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, preexec_fn=limit_memory
    )
    seconds = time.perf_counter() - start
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    exit_code = int(re.search(r"Exit status: (\d+)", run.stderr).group(1))
    first = next((line for line in run.stderr.splitlines() if line.strip() and "\t" not in line), "")
    return rss, exit_code, seconds, first


def scanner_speed(megabytes: int) -> tuple[float, float]:
    """MB/s of JSONScanner over a generated export-like document, and of ijson's parse of it, for scale."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.local")
    import io

    import django
    import ijson

    django.setup()
    from claims.importers.scan import JSONScanner

    record = json.dumps(
        {
            "key": "aa-china-russia-trade-2024",
            "subject": "China–Russia bilateral trade",
            "claim_type": "current_value",
            "value": "245000000000",
            "unit": "USD",
            "period": "2024",
            "appearances": [{"source": {"key": "aa-1"}, "quote": 'reaching "approximately" $245 billion [2]'}],
            "evidence": [{"source": "https://example.org/a?utm_source=x", "relation": "cited", "locator": "[2]"}],
        }
    ).encode()
    count = (megabytes << 20) // (len(record) + 2)
    document = b'{"claims": [' + b", ".join([record] * count) + b"]}"
    scanner = JSONScanner(max_string_bytes=4 << 20)
    start = time.perf_counter()
    for offset in range(0, len(document), 1 << 16):
        scanner.feed(document[offset : offset + (1 << 16)])
    scan = time.perf_counter() - start
    start = time.perf_counter()
    for _event in ijson.basic_parse(io.BytesIO(document), use_float=False):
        pass
    parse = time.perf_counter() - start
    size = len(document) / (1 << 20)
    return size / scan, size / parse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "limits")
    parser.add_argument("--scan-mb", type=int, default=64, help="size of the document the scanner is timed on")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings.local"}
    if args.database_url:
        env["DATABASE_URL"] = args.database_url

    print(f"{'file':<48} {'peak RSS':>10} {'exit':>5} {'s':>6}  message")
    for label, path in files(args.workdir).items():
        rss, code, seconds, message = peak(path, env)
        print(f"{label:<48} {rss / 1024:>7.0f} MB {code:>5} {seconds:>6.1f}  {message[:110]}")
    scan, parse = scanner_speed(args.scan_mb)
    print(f"\nJSONScanner: {scan:.0f} MB/s over a {args.scan_mb} MB export-like document", end=" ")
    print(f"(ijson's parse: {parse:.0f} MB/s)")


if __name__ == "__main__":
    main()
