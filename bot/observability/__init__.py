"""Seeing what a running LeaveBot does: request ids, structured logs without secrets, Prometheus
metrics and optional Sentry reports."""
