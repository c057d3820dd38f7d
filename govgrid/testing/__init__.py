"""Test support shared by the kernel's and the services' tests (a pytest plugin; see conftest.py)."""
