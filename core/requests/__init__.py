"""Requests and decisions: apply, decide, cancel; judging an application step by step; what
others are told about an absence; plans and cover; supporting documents handed in and opened; and
the queries that only look (balances, lists, who is out).

May import: :mod:`core.calendars`, :mod:`core.language`, :mod:`core.shared` and everything below.
"""
