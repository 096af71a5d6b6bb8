"""Calendars: the events an approved request calls for in Google or Outlook, keeping the
providers in line with them (sync, resync, status), and the iCalendar feeds of approved leave.

May import: :mod:`core.shared` and everything below it.
"""
