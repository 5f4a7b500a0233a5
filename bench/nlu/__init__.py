"""NLU evaluation: cross-validation and the held-out split, and parse latency."""
