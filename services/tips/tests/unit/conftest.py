import pytest

# The scenario helpers assert: let pytest explain their failures like a test's own asserts.
pytest.register_assert_rewrite("services.tips.tests.unit.scenario")
