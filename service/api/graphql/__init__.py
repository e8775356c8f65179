"""The GraphQL API, split by domain: types, queries and mutations per area."""
