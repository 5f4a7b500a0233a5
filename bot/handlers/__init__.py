"""Update handlers, grouped by who is talking."""
