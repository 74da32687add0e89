"""The plan's content: its programme (areas, goals, actions, services, funding), the
models that keep it, the completeness check and numbering, and the services that write it."""
