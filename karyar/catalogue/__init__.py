"""The training-course and job-opening catalogue: import from staff spreadsheets, search, presentation, interests."""
