"""Small statistics shared by the benchmarks."""


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank q-quantile (0 ≤ q ≤ 1) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
