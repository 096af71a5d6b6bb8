"""The scheduler: APScheduler wiring around plain job functions of the core."""
