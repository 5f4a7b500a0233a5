"""Reports for staff and supervisors: figures, charts and exports counted from the case database."""
