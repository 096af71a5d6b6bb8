"""HR's reports page: the period picker (the words of chat's ``report PERIOD``), the report's table,
its CSV files to download, the month's payroll CSV, and the heat map of the period's first weeks.

Each is the chat command of the same meaning run as the viewer (``report``, ``payroll``, ``team
month``), so HR gets the same figures, files and refusals as in chat or the CLI, and anyone else is
refused and recorded. A download runs its report again rather than keeping files between requests.
"""

from __future__ import annotations

import csv
import io

from aiohttp import web

from bot.server import call_core
from bot.web.door import door_of
from bot.web.hr import ask_chat, hr_page, refused
from bot.web.session import Viewer, viewer
from core.commands import ShowTeamChart
from core.domain.heatmap import MONTH_SPAN_DAYS
from core.views import PayrollView, ReportFile, ReportView, TeamChartView

routes = web.RouteTableDef()

REPORTS = "/web/hr/reports"
#: How many rows of the taken-leave file the page shows (the CSV has them all).
SHOWN_ROWS = 200


@routes.get(REPORTS)
async def reports_page(request: web.Request) -> web.StreamResponse:
    from bot import charts  # loaded by the first picture, not by every worker that only answers in words

    person = await viewer(request)
    period, department = _asked(request)
    report = await _report(request, person, period, department)
    chart = await ask_chat(request, person, ShowTeamChart(MONTH_SPAN_DAYS, report.start))
    picture = await call_core(request.app, charts.picture, chart.heatmap, chart.scope) \
        if isinstance(chart, TeamChartView) else None
    header, rows = _table(report.files[0]) if report.files else ((), [])
    return hr_page(request, "hr_reports.j2", person, report=report, period=period, department=department,
                   header=header, rows=rows[:SHOWN_ROWS], more=max(0, len(rows) - SHOWN_ROWS), picture=picture,
                   month=report.end.strftime("%Y-%m"))


@routes.get(f"{REPORTS}/file")
async def report_file(request: web.Request) -> web.StreamResponse:
    person = await viewer(request)
    period, department = _asked(request)
    report = await _report(request, person, period, department)
    return _download(request, person, report.files, request.query.get("name", ""))


@routes.get(f"{REPORTS}/payroll")
async def payroll_file(request: web.Request) -> web.StreamResponse:
    person = await viewer(request)
    month = request.query.get("month", "").strip()
    view = await ask_chat(request, person, f"payroll {month}")
    if not isinstance(view, PayrollView):
        raise refused(request, person, f"'{month}' is not a month; write it as 2026-11.")
    return _download(request, person, view.files, view.files[0].name if view.files else "")


def _asked(request: web.Request) -> tuple[str, str]:
    """The period (this month by default) and department asked for, as typed."""
    default = door_of(request).clock.now().strftime("%Y-%m")
    return request.query.get("period", "").strip() or default, request.query.get("department", "").strip()


async def _report(request: web.Request, person: Viewer, period: str, department: str) -> ReportView:
    view = await ask_chat(request, person, " ".join(("report", period, department)).strip())
    if not isinstance(view, ReportView):
        raise refused(request, person, f"'{period}' is not a period; write it as 2026-11, 2026-Q4 or 2026.")
    return view


def _download(request: web.Request, person: Viewer, files: tuple[ReportFile, ...], name: str) -> web.Response:
    """The named file as an attachment, exactly as chat and the CLI hand it out."""
    chosen = next((f for f in files if f.name == name), None)
    if chosen is None:
        raise refused(request, person, f"This report has no file '{name}'; its files are "
                                       f"{', '.join(f.name for f in files)}.")
    return web.Response(text=chosen.text, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{chosen.name}"'})


def _table(file: ReportFile) -> tuple[list[str], list[list[str]]]:
    """A CSV file's header and rows, to show as a table."""
    lines = list(csv.reader(io.StringIO(file.text)))
    return (lines[0], lines[1:]) if lines else ([], [])
