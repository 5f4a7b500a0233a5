"""The bot's health endpoint and Prometheus metrics."""
