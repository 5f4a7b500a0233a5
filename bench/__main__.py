"""`python -m bench`: run every benchmark; each writes its numbers to bench/results/."""

from bench import (
    bad_input,
    broadcast_delivery,
    catalogue_growth,
    client_growth,
    eligibility_and_search,
    faults,
    handoff_latency,
    load,
    local_mode,
    reports,
    stack_baseline,
    stages,
)
from bench.nlu import latency

if __name__ == "__main__":
    stack_baseline.main()
    stages.main([])
    latency.main()
    eligibility_and_search.main()
    catalogue_growth.main([])
    handoff_latency.main()
    broadcast_delivery.main([])
    local_mode.main()
    load.main([])
    load.main(["--rasa-servers", "2"])
    bad_input.main()
    faults.main([])
    faults.main(["--rasa-servers", "2"])
    client_growth.main([])
    reports.main([])
