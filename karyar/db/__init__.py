"""The case database: models, engine and units of work."""

# The alert tables live in a module of their own; importing it here puts them in Base.metadata.
from karyar.db import alert_models as alert_models
