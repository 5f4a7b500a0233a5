"""The case database: models, engine and units of work."""
