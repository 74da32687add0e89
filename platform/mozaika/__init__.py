"""Mozaika's kernel: settings, API wiring, identity, events, broker, archive, embedded runtime."""
