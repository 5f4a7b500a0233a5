"""The case database: models, engine and units of work."""

# The alert and résumé tables live in modules of their own; importing them here puts them in Base.metadata.
from karyar.db import alert_models as alert_models
from karyar.db import resume_models as resume_models
