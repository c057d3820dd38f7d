"""Read-model queries: SQL in one place per read model, scoped to the caller."""
