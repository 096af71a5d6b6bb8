"""The template each kind of view is rendered with, by file name.

Every door keeps a template of that name in its own folder (``bot/templates/{text,slack,teams}``),
so adding a view means one line here and one template per door; a door that shows a view
differently overrides just that entry. ``tests/unit/test_every_door_renders_every_view.py`` keeps
the doors in step with the views.
"""

from __future__ import annotations

from typing import Any

from core import views

TEMPLATES: dict[type[Any], str] = {
    views.HelpView: "help.j2",
    views.ApplyFormView: "apply_form.j2",
    views.AppliedView: "applied.j2",
    views.DecidedView: "decided.j2",
    views.CancelledView: "cancelled.j2",
    views.RequestListView: "request_list.j2",
    views.TeamView: "team.j2",
    views.HolidaysView: "holidays.j2",
    views.OptionalHolidaysView: "optional_holidays.j2",
    views.BalanceView: "balance.j2",
    views.ReportView: "report.j2",
    views.RefusalView: "refusal.j2",
    views.PlanView: "plan.j2",
    views.DelegationView: "delegation.j2",
    views.FeedView: "feed.j2",
    views.DashboardLinkView: "dashboard_link.j2",
    views.NotifyView: "notify.j2",
    views.AuditView: "audit.j2",
    views.TeamChartView: "team_chart.j2",
    views.QuietView: "quiet.j2",
    views.DocumentHandedInView: "document_handed_in.j2",
    views.DocumentsView: "documents.j2",
    views.SplitAppliedView: "split_applied.j2",
    views.PayrollView: "payroll.j2",
    views.AdjustedView: "adjusted.j2",
    views.CompOffClaimView: "compoff_claim.j2",
}
