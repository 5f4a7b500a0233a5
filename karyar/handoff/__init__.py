"""Handing a client to a person: the queue, routing to a pool, the claim, transfers, closing and rating."""
