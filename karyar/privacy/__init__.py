"""Clients' personal data: identifiers kept encrypted, their own data shown to them, erasure and retention."""
