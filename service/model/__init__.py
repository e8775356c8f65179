"""The knowledge-flow model: pydantic types that every write is validated against."""
