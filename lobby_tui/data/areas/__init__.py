"""The store's domain areas: one module each, composed into the one ``Store`` (data/store.py).

Each area is an object holding the store it belongs to, for the database and the clock they
share; its public methods are its commands and queries, each one unit of work that checks the
actor's permission (data/access.py). docs/architecture.md lists them.
"""
