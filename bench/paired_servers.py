#!/usr/bin/env python
"""Benchmark: two API servers that differ by their environment, side by side, in paired rounds.

    .venv/bin/python bench/paired_servers.py --claims 1000000 --type detail \\
        --a API_THROTTLE_LEASE=1 --b API_THROTTLE_LEASE=32

Never run by the test suite. A small change moves a claim's detail by a few percent, and one wrk run on this shared
machine moves by a quarter from one run to the next, so two runs minutes apart compare nothing. Here both servers
run at once (gunicorn, production settings, answer cache off, one Redis as their shared cache, the same database:
bench/mixed_bench.py's, factcheck_bench6_<N>, which must be loaded); each round runs wrk with bench/mixed_bench.lua
on one query type's URL file (bench/out/mixed/<N>-<type>-api.txt, written by mixed_bench) against A, then B, in
alternating order; the figures are each side's median req/s and the median of the rounds' B / A ratios, with their
range. `--a` and `--b` take NAME=VALUE settings of the server's environment (repeatable).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_bench as ab  # noqa: E402 - the sibling benchmark, imported from bench/
import mixed_bench as mb  # noqa: E402

PORTS, REDIS_PORT = (8171, 8172), 6394  # neither api_bench's nor mixed_bench's


def _settings(pairs: list[str]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SystemExit(f"not NAME=VALUE: {pair!r}")
        settings[name] = value
    return settings


def _rate(base: str, paths: Path, connections: int, seconds: int, token: str) -> float:
    argv = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "-s", str(mb.LUA),
            "-H", f"Authorization: Token {token}", base, "--", str(paths)]  # fmt: skip
    out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ab.ROOT).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise SystemExit(f"wrk printed no rate:\n{out}")
    return float(found.group(1))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--type", default="detail", help="a query type of mixed_bench (its URL file)")
    parser.add_argument("--a", action="append", default=[], metavar="NAME=VALUE", help="server A's environment")
    parser.add_argument("--b", action="append", default=[], metavar="NAME=VALUE", help="server B's environment")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args(argv)
    url = f"{args.server}/factcheck_bench6_{args.claims}"
    paths = ab.OUT / "mixed" / f"{args.claims}-{args.type.replace(' ', '_')}-api.txt"
    if ab.loaded_claims(url) != args.claims or not paths.exists():
        raise SystemExit(f"run bench/mixed_bench.py --claims {args.claims} first (database and {paths.name})")
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="factcheck.settings.local")
    token = ab.prepare(url, env)
    sides = {"A": _settings(args.a), "B": _settings(args.b)}
    servers = ab.Servers()
    try:
        if not shutil.which("redis-server"):
            raise SystemExit("redis-server is needed: the servers' shared cache")
        servers.start(["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
                      log="paired-redis.log")  # fmt: skip
        server_env = ab.production_env(env, **ab.UNTHROTTLED) | {
            "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0", "API_RESPONSE_CACHE_SECONDS": "0",
        }  # fmt: skip
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        bases = {}
        for (name, extra), port in zip(sides.items(), PORTS, strict=True):
            servers.start([gunicorn, "factcheck.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
                           "--access-logfile", "-", "--log-level", "warning", "--access-logformat", ""],
                          env=server_env | extra, log=f"paired-gunicorn-{port}.log")  # fmt: skip
            bases[name] = f"http://127.0.0.1:{port}"
        for base in bases.values():
            ab.wait_for(f"{base}/api/v1/claims/", {"Authorization": f"Token {token}"})
        print(f"{args.claims:,} claims, {args.type}, {args.connections} connections, {args.duration} s a run, "
              f"{args.workers} workers a server; A: {sides['A'] or 'as configured'}; B: {sides['B'] or 'as configured'}"
              f"; load {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
        rates: dict[str, list[float]] = {"A": [], "B": []}
        for n in range(args.rounds):
            for name in ("A", "B") if n % 2 == 0 else ("B", "A"):
                rates[name].append(_rate(bases[name], paths, args.connections, args.duration, token))
            print(f"  round {n + 1}: A {rates['A'][-1]:,.0f}  B {rates['B'][-1]:,.0f} req/s  "
                  f"(load {os.getloadavg()[0]:.2f})", flush=True)  # fmt: skip
        ratios = [b / a for a, b in zip(rates["A"], rates["B"], strict=True)]
        a, b, ratio = (statistics.median(values) for values in (rates["A"], rates["B"], ratios))
        print(f"A: median {a:,.0f} req/s; B: median {b:,.0f} req/s; B / A paired: median {ratio:.3f}, "
              f"{min(ratios):.3f}–{max(ratios):.3f}")  # fmt: skip
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
