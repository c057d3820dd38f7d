"""The transactional outbox relay: publishes a service's stored events to its Kafka topic."""

from govgrid.outbox.relay import OutboxRelay

__all__ = ["OutboxRelay"]
