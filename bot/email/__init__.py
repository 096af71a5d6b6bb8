"""The e-mail door: notices, approvals by link and digests for people who are not on Slack or Teams."""
