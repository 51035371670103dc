"""Storage: SQLModel tables, the engine, migrations, and the queries and commands of the duty log.

Nothing here imports Textual; the screens reach this package only from worker threads.
"""
