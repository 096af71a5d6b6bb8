"""Scheduled jobs: plain functions over the core, run by APScheduler inside `leavebot serve`."""
