"""gunicorn's settings for the app, read from the working directory by every `gunicorn factcheck.wsgi` the project
starts (the Docker image, docker-compose, the benchmarks); command-line flags override them.

Threaded workers with one thread each keep a client's connection open between its requests (HTTP keep-alive): a
script or notebook reusing its session skips a TCP handshake and gunicorn's accept per request, which the sync
worker can't (it closes every connection). Measured at 1,000,000 claims with one client (bench/README.md, "Mixed
workload"): a claim's detail p50 3.6-3.95 ms -> 3.0 ms, a list page 10.2-10.6 ms -> 6.3-8.9 ms; the same throughput
at 16 connections, where the two cores are the limit. One thread per worker: a request has its worker to itself, as
before (the worker count, WEB_CONCURRENCY, is the concurrency).
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # seconds an idle client connection stays open
