"""What notices adds to each person's "My work" (`kpis.reads.work`): the Contract Performance
Notices overdue or due soon (`notices.due`) on the contracts where the table lets them draft one.
A fixed number of queries (`due.owed`), none where no contract concerned is under the Act.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User

from kpis.permissions import Action, may_ever
from kpis.reads.work import Asked, WorkItem
from notices import due

HEADINGS = {"notice_due": "Contract Performance Notices due"}


def _stage(notice: due.DueNotice) -> str:
    return f"cpn-{notice.breach.pk if notice.breach else notice.kind}"[:20]


def notices_due(asked: Asked) -> Iterable[tuple[User, WorkItem]]:
    allowed = {
        p.pk: {c.pk for c in asked.contracts_of(p) if may_ever(p, Action.DRAFT_NOTICE, c.pk)}
        for p in asked.working()
    }
    ids = set().union(*allowed.values()) if allowed else set()
    if not ids:
        return
    owed = due.owed([asked.contracts[pk] for pk in sorted(ids)], asked.today)
    for entry in owed:
        for notice in entry.attention:
            for person in asked.working():
                if notice.contract.pk in allowed[person.pk]:
                    yield (
                        person,
                        WorkItem(
                            kind="notice_due",
                            title=notice.label,
                            contract=notice.contract,
                            link=notice.draft_url,
                            due_on=notice.due_on,
                            overdue=notice.clock.overdue,
                            status=notice.clock.words.capitalize(),
                            reminder_day=notice.due_on,
                            reminder_stage=_stage(notice),
                        ),
                    )
