"""Small statistics shared by the benchmarks."""

import statistics


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank q-quantile (0 ≤ q ≤ 1) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency_summary(values: list[float]) -> dict[str, float]:
    """p50, p95 and max of timings in milliseconds, rounded to 0.1 ms, as every results file reports them."""
    return {
        "p50": round(statistics.median(values), 1),
        "p95": round(percentile(values, 0.95), 1),
        "max": round(max(values), 1),
    }
