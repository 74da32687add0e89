"""Demo data: transcriptions of the seed documents (Polish), loaded by `make run`."""
