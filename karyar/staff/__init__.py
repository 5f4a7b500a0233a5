"""The staff registry: counsellors, supervisors, staff and administrators, and what each may do."""
