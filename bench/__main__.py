"""`python -m bench`: run every benchmark."""

from bench import stack_baseline

if __name__ == "__main__":
    stack_baseline.main()
