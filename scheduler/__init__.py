"""The scheduler: APScheduler wiring and leadership around the scheduled-job use cases of the core's service."""
