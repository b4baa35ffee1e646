"""The committee's questions about a contract, the answers its officers and managers give, and
the actions an answer agrees, each with its owner and due date until closed with a note.

Every row keeps its history (django-simple-history), and every write moves the contract's data
version on (`VersionedQuerySet`, and `kpis.writes.data_version.watch` in `QuestionsConfig`),
since the KPI page, the scorecard and the committee pack list what is still open.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from contracts.limits import REASON_LENGTH, kept_to
from contracts.models import Contract
from contracts.querysets import VersionedQuerySet
from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, Reading, ReportingPeriod
from kpis.models.returns import NOT_MEASURED_LENGTH
from kpis.reads import display
from questions import rules

# A question, an answer, an action or the note that closes it: as long as a reason may be.
TEXT_LENGTH = REASON_LENGTH
FIGURE_TEXT_LENGTH = 100


def person(user) -> str:
    """A user's name as the pages print it beside what they did."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _open_actions(question: str = "pk") -> models.QuerySet:
    return AgreedAction.objects.filter(question=OuterRef(question), closed_at__isnull=True)


def still_open_q() -> Q:
    """Questions not yet answered, or answered with an action still open."""
    return Q(state=Question.State.OPEN) | Q(Exists(_open_actions()))


class QuestionQuerySet(VersionedQuerySet):
    def for_contract(self, contract) -> QuestionQuerySet:
        return self.filter(contract=contract)

    def still_open(self) -> QuestionQuerySet:
        return self.filter(still_open_q())

    def in_pack_for(self, period: ReportingPeriod) -> QuestionQuerySet:
        """Questions that the pack for `period` carries, if still open: those first carried by
        its pack or an earlier one."""
        return self.filter(first_pack_quarter__lte=period.end_date)

    def open_first(self) -> QuestionQuerySet:
        """Still open before closed, then the newest first."""
        return self.annotate(is_open=still_open_q()).order_by("-is_open", "-asked_at", "-pk")

    def for_lists(self) -> QuestionQuerySet:
        """What a list of questions shows of each, read with it: what it is about, who asked,
        the figure now beside the figure asked about, and its open actions (one query more)."""
        return (
            self.select_related("kpi__unit", "period", "pack__period", "asked_by")
            .with_figure_now()
            .prefetch_related(
                Prefetch(
                    "actions",
                    queryset=AgreedAction.objects.filter(closed_at__isnull=True)
                    .select_related("owner")
                    .order_by("due_date", "pk"),
                    to_attr="open_actions",
                )
            )
        )

    def with_figure_now(self) -> QuestionQuerySet:
        """Annotate the figure the KPI's quarter holds now (`now_value`, `now_reason`) and
        whether the quarter is approved now (`approved_now`), for `figure_change`."""
        reading = Reading.objects.filter(kpi=OuterRef("kpi"), period=OuterRef("period"))
        approved = QuarterlyReturn.objects.filter(
            contract=OuterRef("contract"), period=OuterRef("period"), state=ReturnState.APPROVED
        )
        return self.annotate(
            now_value=Subquery(reading.values("value")[:1]),
            now_reason=Subquery(reading.values("not_measured_reason")[:1]),
            approved_now=Exists(approved),
        )

    def counts(self) -> dict[str, int]:
        """How many questions are still open, and how many agreed actions, in one query."""
        return self.aggregate(
            open_questions=Count("pk", filter=still_open_q(), distinct=True),
            open_actions=Count("actions", filter=Q(actions__closed_at__isnull=True)),
        )


class Question(models.Model):
    """A committee member's question about a contract: about one of its KPIs, a quarter's figure
    or a published pack, or about the contract as a whole."""

    class State(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        ANSWERED = "answered", "Answered"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="questions")
    # Never deleted from under a question the committee asked.
    kpi = models.ForeignKey(
        Kpi, null=True, blank=True, on_delete=models.PROTECT, related_name="questions"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name="quarter",
        help_text="An approved quarter: a question is never about a draft.",
    )
    pack = models.ForeignKey(
        "packs.PublishedPack",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name="published pack",
    )
    text = models.TextField("question", validators=[kept_to(TEXT_LENGTH, "question")])
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="questions_asked"
    )
    asked_at = models.DateTimeField()
    first_pack_quarter = models.DateField(
        help_text="The last day of the quarter whose committee pack first lists the question: "
        "the quarter asked about, or else the quarter it was asked in."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # The figure asked about, as it was when asked, to show when it has changed since.
    about_a_figure = models.BooleanField(
        default=False, help_text="Whether the question names a KPI and a quarter."
    )
    figure_value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    figure_reason = models.CharField(
        "reason not measured", max_length=NOT_MEASURED_LENGTH, blank=True
    )
    figure_text = models.CharField(
        max_length=FIGURE_TEXT_LENGTH, blank=True, help_text="The figure as the pages showed it."
    )

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords()

    # Read with the question by the QuerySets that fill them: its open actions (`for_lists`),
    # every action (`reads.thread`), and the figure now (`with_figure_now`).
    open_actions: list[AgreedAction]
    all_actions: list[AgreedAction]
    now_value: Decimal | None
    now_reason: str | None
    approved_now: bool

    class Meta:
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="question_has_text",
                violation_error_message="Write your question.",
            ),
            models.CheckConstraint(
                condition=Q(about_a_figure=False)
                | (Q(kpi__isnull=False) & Q(period__isnull=False)),
                name="question_figure_of_a_kpi_quarter",
                violation_error_message="A figure asked about is a KPI's in a quarter.",
            ),
        ]
        indexes = [models.Index(fields=["contract", "first_pack_quarter"], name="question_pack")]

    def __str__(self) -> str:
        return f"Question {self.pk}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("question_detail", args=[self.contract.code, self.pk])

    @property
    def asked_by_name(self) -> str:
        return person(self.asked_by)

    @property
    def about(self) -> str:
        """What the question is about, in words: 'R&B-K-009, Mar-19', 'R&B-K-009, version 1 of
        the Mar-19 pack', 'the contract'."""
        parts = []
        if self.kpi is not None:
            parts.append(self.kpi.reference)
        if self.pack is not None:
            parts.append(f"version {self.pack.version} of the {self.pack.period.label} pack")
        elif self.period is not None:
            parts.append(self.period.label)
        return ", ".join(parts) or "the contract"

    @property
    def is_answered(self) -> bool:
        return self.state == self.State.ANSWERED

    @property
    def is_still_open(self) -> bool:
        """For a question read `for_lists` (whose open actions come with it)."""
        return rules.still_open(
            answered=self.is_answered, open_actions=len(getattr(self, "open_actions", []))
        )

    @property
    def figure_change(self) -> rules.FigureChange:
        """For a question read `with_figure_now`."""
        return rules.figure_change(
            about_a_figure=self.about_a_figure,
            asked=(self.figure_value, self.figure_reason),
            now=(getattr(self, "now_value", None), getattr(self, "now_reason", None)),
            approved_now=getattr(self, "approved_now", False),
        )

    @property
    def figure_changed(self) -> bool:
        return self.figure_change == rules.FigureChange.CHANGED

    @property
    def quarter_reopened(self) -> bool:
        return self.figure_change == rules.FigureChange.REOPENED

    @property
    def figure_now_text(self) -> str:
        """The approved figure now, written as the pages write it; '' unless it changed."""
        if not self.figure_changed or self.kpi is None:
            return ""
        return figure_words(
            getattr(self, "now_value", None), getattr(self, "now_reason", ""), self.kpi
        )


def figure_words(value: Decimal | None, reason: str | None, kpi: Kpi) -> str:
    """A figure as the pages show it ('8%'), or why there is none."""
    if value is not None:
        return display.figure(value, kpi.unit)
    if reason:
        return f"not measured: {reason}"
    return "no figure"


class AnswerQuerySet(VersionedQuerySet):
    contract_path = "question__contract"


class Answer(models.Model):
    """An officer's or manager's answer to a question; a question may have several."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField("answer", validators=[kept_to(TEXT_LENGTH, "answer")])
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField()

    objects = AnswerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["answered_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="answer_has_text",
                violation_error_message="Write your answer.",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk} to question {self.question_id}"

    @property
    def answered_by_name(self) -> str:
        return person(self.answered_by)


class AgreedActionQuerySet(VersionedQuerySet):
    contract_path = "question__contract"

    def still_open(self) -> AgreedActionQuerySet:
        return self.filter(closed_at__isnull=True)


class AgreedAction(models.Model):
    """Something an answer agrees will be done, by whom and by when; closed with a note once
    it is done."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="actions")
    answer = models.ForeignKey(
        Answer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
        help_text="The answer that agreed it; empty for an action agreed on its own.",
    )
    description = models.TextField("action", validators=[kept_to(TEXT_LENGTH, "action")])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Someone who signs in here; or name the owner below.",
    )
    owner_name = models.CharField(
        max_length=200, blank=True, help_text="An owner who does not sign in here: a name or role."
    )
    due_date = models.DateField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_note = models.TextField(
        blank=True, validators=[kept_to(TEXT_LENGTH, "note")], help_text="What was done."
    )

    objects = AgreedActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""),
                name="action_has_description",
                violation_error_message="Say what will be done.",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(owner_name=""),
                name="action_has_owner",
                violation_error_message="Name who will do it.",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True)
                | (Q(closed_by__isnull=False) & ~Q(closing_note="")),
                name="action_closed_with_note",
                violation_error_message="Say what was done, to close the action.",
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} on question {self.question_id}: {self.description[:60]}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def owner_text(self) -> str:
        return person(self.owner) if self.owner_id else self.owner_name

    @property
    def closed_by_name(self) -> str:
        return person(self.closed_by)

    @property
    def is_overdue(self) -> bool:
        """Open after its due date (today by the site's clock: cached pages are kept by the
        day, so this is never a day stale)."""
        return self.is_open and self.due_date < timezone.localdate()


class WorkSeen(models.Model):
    """When a committee member last opened "My work": the answers to their questions given
    since then are what it lists for them. Only "My work" and the reminder email read it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_seen"
    )
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = "last look at My work"

    def __str__(self) -> str:
        return f"{self.user} opened My work at {self.seen_at}"
