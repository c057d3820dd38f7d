pytest_plugins = ["govgrid.testing.fixtures"]
