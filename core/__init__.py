"""The domain and its use cases: plain Python, no I/O framework."""
