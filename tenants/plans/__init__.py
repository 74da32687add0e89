"""A gmina's local plan for social services and deinstitutionalisation (LPRUSiD); lives in
the gmina's own schema."""
