"""The doors: Slack, Teams, the terminal chat, the CLI and the aiohttp server they share."""
