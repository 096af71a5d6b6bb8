"""Calendar gateways (Google, Microsoft Graph) and the record of the events they hold."""
