"""A gmina's or powiat's tenancy: its schema created, migrated, exported and dropped."""
