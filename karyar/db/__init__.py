"""The case database: models, engine and units of work."""

# The alert, résumé and catalogue-count tables live in modules of their own; importing them here puts them
# in Base.metadata (and keeps the catalogue counts up to date wherever the models are used).
from karyar.db import alert_models as alert_models
from karyar.db import catalogue_counts as catalogue_counts
from karyar.db import resume_models as resume_models
