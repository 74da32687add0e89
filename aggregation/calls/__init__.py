"""Funding calls: their criteria as data, every gmina's evaluation, eligibility answers."""
