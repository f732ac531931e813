"""The YAML catalogue, its schema and its loader."""
