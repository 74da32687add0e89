"""Everything inside one gmina: the territorial registry and tenant models (public schema),
provisioning, and the plan domain (each gmina's own schema). Never imports `aggregation`."""
