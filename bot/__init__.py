"""The doors: terminal chat, CLI, the aiohttp server (and later Slack and Teams)."""
