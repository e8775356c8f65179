"""The HTTP edge: FastAPI routes and the GraphQL endpoint, thin over the services."""
