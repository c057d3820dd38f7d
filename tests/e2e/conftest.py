"""The end-to-end tests' fixtures: the platform as `make up` runs it, with or without the demo."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from supervised_platform import Platform, run_platform


@pytest.fixture
def platform() -> Iterator[Platform]:
    """The platform without the demo."""
    yield from run_platform("--no-demo")


@pytest.fixture
def demo_platform() -> Iterator[Platform]:
    """The platform exactly as `make up` starts it: the demo loads once the services are ready."""
    yield from run_platform()
