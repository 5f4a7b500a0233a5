"""What operators watch: the state of the queues, read from the case database."""
