"""Everything across gminas, in the public schema: snapshots, rollups, eligibility, and the
actors that keep them current from events. Reads tenant data only via the snapshot function."""
