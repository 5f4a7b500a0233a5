"""Clients' identifiers (national id, phone): finding them in what a client types, and keeping them
encrypted. Handoff reveals them to a counsellor; privacy exports and erases them; both build on this."""
