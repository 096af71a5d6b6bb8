"""Public holidays from the ``holidays`` package, behind one function so the core stays pure."""

from __future__ import annotations

from datetime import date

from core.errors import LeaveError


def public_holidays(country: str, subdiv: str | None, year: int) -> list[tuple[date, str]]:
    """The country's (or subdivision's) public holidays in ``year``, sorted by date.

    The package is imported on the first call: its calendars take longer to load than most
    commands take to run, and only ``holidays sync`` needs them.
    """
    import holidays

    if country not in holidays.list_supported_countries():
        raise LeaveError(f"The holidays package has no calendar for country '{country}' (use ISO codes like IN).")
    try:
        calendar = holidays.country_holidays(country, subdiv=subdiv, years=year)
    except NotImplementedError as error:
        raise LeaveError(f"Unknown subdivision '{subdiv}': {error}.") from None
    return sorted((day, str(name)) for day, name in calendar.items())
