"""Calendar sync targets for the outbox, and the iCalendar feed route.

Which providers exist comes from the settings: Google when ``GOOGLE_SERVICE_ACCOUNT_FILE`` is set,
Outlook when the ``MS_GRAPH_*`` credentials are. The organisation's default is Google when both
are configured; the policy's ``calendar.providers`` moves an e-mail domain or a person to the
other one (or to ``none``). With neither configured there are no targets and nothing is synced.
"""

from __future__ import annotations

from bot.calendars.feed import mount_feeds
from bot.calendars.notifier import CalendarNotifier
from bot.settings import Settings
from core.ports.calendars import CalendarGateway
from core.service import LeaveService

__all__ = ["CalendarNotifier", "calendar_gateways", "calendar_notifiers", "default_provider", "mount_feeds"]


def default_provider(settings: Settings) -> str | None:
    if settings.google_sync_enabled:
        return "google"
    if settings.outlook_sync_enabled:
        return "outlook"
    return None


def calendar_gateways(settings: Settings) -> list[CalendarGateway]:
    """One gateway per configured provider; none when no calendar is configured."""
    gateways: list[CalendarGateway] = []
    if settings.google_sync_enabled and settings.google_service_account_file is not None:
        from storage.calendars.google import GoogleCalendar  # google-auth, only where Google is configured

        gateways.append(GoogleCalendar(settings.google_service_account_file, settings.google_calendar_api_url,
                                       timeout=settings.http_timeout_seconds))
    if settings.outlook_sync_enabled and settings.ms_graph_client_secret is not None:
        from storage.calendars.outlook import OutlookCalendar  # msal, only where Outlook is configured

        gateways.append(OutlookCalendar(str(settings.ms_graph_tenant_id), str(settings.ms_graph_client_id),
                                        settings.ms_graph_client_secret.get_secret_value(),
                                        settings.ms_graph_authority_url, settings.ms_graph_api_url,
                                        timeout=settings.http_timeout_seconds))
    return gateways


def calendar_notifiers(settings: Settings, service: LeaveService) -> list[CalendarNotifier]:
    """One outbox target per configured provider."""
    default = default_provider(settings)
    return [CalendarNotifier(gateway, service, default) for gateway in calendar_gateways(settings)]
