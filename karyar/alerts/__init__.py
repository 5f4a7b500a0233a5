"""Job and course alerts: what clients ask to hear of, matched with new catalogue items and sent as
broadcasts."""
