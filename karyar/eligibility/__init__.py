"""Who can get which employment service: a pure engine over the policy files (no I/O, no database)."""
