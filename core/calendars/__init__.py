"""Calendars: the events an approved request calls for in Google or Outlook, and the iCalendar
feeds of approved leave.

May import: :mod:`core.shared` and everything below it.
"""
