"""The territorial register (TERC): importing it, and searching it."""
