"""Filing a report: store it, log it, and tell the manager (severe reports at once)."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.conversation.messages import Reply
from bot.domain.model import Employee, Organisation, Report
from bot.ports import UnitOfWork

logger = logging.getLogger(__name__)

FORM_LABELS = {"verbaal": "verbale agressie", "bedreiging": "bedreiging", "fysiek": "fysiek geweld"}


class ReportFiler:
    """Called by the chat service inside the turn's transaction when a report is filed."""

    def __init__(self, org: Organisation) -> None:
        self.org = org

    def __call__(self, uow: UnitOfWork, report: Report, reporter: Employee, now: datetime) -> None:
        uow.reports.add(report)
        uow.audit.record(now, reporter.id, "report_filed", report.reference,
                         {"severe": report.severe, "channel": report.channel})
        manager = self.org.manager_of(reporter.id)
        if manager is None:
            logger.warning("report %s: reporter has no manager in the organisation file", report.reference)
            return
        form = FORM_LABELS.get(report.primary_form or "", "onbekend")
        text = (
            f"Nieuwe melding {report.reference} van {reporter.name}: {form}"
            f"{' (ernstig)' if report.severe else ''}. Neem vandaag contact op met je medewerker."
        )
        uow.outbox.add(manager.id, [Reply(text)], due_at=now, kind="escalation",
                       dedup_key=f"escalation:{report.reference}", data={"reference": report.reference})
