"""`python -m bench`: run every benchmark; each writes its numbers to bench/results/."""

from bench import stack_baseline
from bench.nlu import latency

if __name__ == "__main__":
    stack_baseline.main()
    latency.main()
