import pytest

# Plain asserts in these helpers explain their failures like asserts in tests do.
pytest.register_assert_rewrite("govgrid.testing.scenario")

pytest_plugins = ["govgrid.testing.fixtures"]
