"""The source check's machinery: address policy, HTTP transport, fetching, page reading, health rule.

Nothing in this package touches the database; sources/services.py records what it finds.
"""
