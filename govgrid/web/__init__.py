"""HTTP plumbing shared by every service: error mapping, observability middleware, health endpoints."""
