"""A plan's documents: received, inspected (PDF active content, signed XML), archived, protected."""
