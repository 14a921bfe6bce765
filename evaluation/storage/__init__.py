"""The store: SQLModel tables, the engine, migrations and repository functions."""
