import pytest

from govgrid.eventstore import InMemoryEventStore
from govgrid.tests.contract_eventstore import EventStoreContract


class TestInMemoryEventStore(EventStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryEventStore:
        return InMemoryEventStore()
