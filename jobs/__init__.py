"""Background jobs: long work (imports, source checks) on a queue in PostgreSQL that workers on any machine share,
each job with its state, progress, result and starter on record. See docs/architecture.md ("Background jobs")."""
