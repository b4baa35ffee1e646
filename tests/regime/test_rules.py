"""The regime's rules, table by table, with no database."""

from decimal import Decimal

import pytest

from regime.rules import (
    Basis,
    Credited,
    FailureRules,
    Month,
    Quarter,
    Scheme,
    apply_year_cap,
    counts_months,
    escalations,
    quarter_credit,
    quarter_index,
    service_failures,
)

CODES = {
    "M": "met",
    "B": "below_target",
    "D": "detriment",
    "F": "failure",
    "S": "suspended",
    "N": "not_measured",
}


def _quarters(pattern: str) -> list[Quarter]:
    """'MDD.F' is met, detriment, detriment, (no approved quarter), failure, from index 0."""
    return [Quarter(i, CODES[c]) for i, c in enumerate(pattern) if c != "."]


def test_it_numbers_quarters_across_a_year_end():
    assert quarter_index(2018, 4) + 1 == quarter_index(2019, 1)


FAILURE_CASES = [
    # pattern, detriment_run N, detriment_in_year K, (index, reason) of each service failure
    ("MMMM", None, None, []),
    ("MFMF", None, None, [(1, "failure"), (3, "failure")]),
    ("DDDD", None, None, []),  # detriment alone is not a failure by default
    ("BBBB", 1, 1, []),  # below target is never a failure
    ("MDDM", 2, None, [(2, "detriment")]),  # N reached exactly
    ("MDMD", 2, None, []),  # N not consecutive
    ("DDDD", 2, None, [(1, "detriment"), (3, "detriment")]),  # each detriment counts once
    ("DDD", 3, None, [(2, "detriment")]),
    ("DD", 3, None, []),  # one short of N
    ("DD.D", 2, None, [(1, "detriment")]),  # a gap breaks the run
    ("DFD", 2, None, [(1, "failure")]),  # a failure breaks a run of detriment
    ("DS", 1, None, [(0, "detriment")]),  # N = 1: every detriment
    ("DMDM", None, 2, [(2, "detriment")]),  # K of 4 reached
    ("DMMD", None, 2, [(3, "detriment")]),  # K of 4: both within four quarters
    ("DMMMD", None, 2, []),  # five quarters apart: outside the year
    ("DMDMDMD", None, 2, [(2, "detriment"), (6, "detriment")]),
    ("DDDD", None, 4, [(3, "detriment")]),
    ("DDD", None, 4, []),
    ("DDDDDD", 3, 2, [(1, "detriment"), (3, "detriment"), (5, "detriment")]),
]


@pytest.mark.parametrize(("pattern", "n", "k", "expected"), FAILURE_CASES)
def test_it_finds_service_failures(pattern, n, k, expected):
    found = service_failures(_quarters(pattern), FailureRules(detriment_run=n, detriment_in_year=k))
    assert [(f.index, f.reason) for f in found] == expected


def test_a_failure_made_of_detriments_names_them():
    found = service_failures(_quarters("DMD"), FailureRules(detriment_in_year=2))
    assert found[0].quarters == (0, 2)


ESCALATION_CASES = [
    # pattern, N misses, K failures, (index, kind, quarters) at each escalated quarter
    ("BBMB", 3, 2, []),
    ("BDB", 3, 2, [(2, "misses", (0, 1, 2))]),  # N reached exactly
    ("BDBF", 3, 2, [(2, "misses", (0, 1, 2)), (3, "misses", (0, 1, 2, 3))]),
    ("BB.B", 3, 2, []),  # a gap breaks the run
    ("BNB", 3, 2, []),  # not measured is not a miss
    ("FMFM", 3, 2, [(2, "failures", (0, 2)), (3, "failures", (0, 2))]),  # K reached
    ("FMMMF", 3, 2, []),  # K failures five quarters apart
    ("FMMF", 3, 2, [(3, "failures", (0, 3))]),  # and four quarters apart
    ("FMF", 3, 3, []),  # one short of K
    ("F", 3, 1, [(0, "failures", (0,))]),
]


@pytest.mark.parametrize(("pattern", "n", "k", "expected"), ESCALATION_CASES)
def test_it_flags_persistent_failure(pattern, n, k, expected):
    rules = FailureRules(escalate_misses=n, escalate_failures=k)
    quarters = _quarters(pattern)
    found = escalations(quarters, service_failures(quarters, rules), rules)
    assert [(e.index, e.kind, e.quarters) for e in found] == expected


def test_escalation_counts_failures_made_of_detriment():
    rules = FailureRules(detriment_run=1, escalate_misses=9, escalate_failures=2)
    quarters = _quarters("DMD")
    assert [e.index for e in escalations(quarters, service_failures(quarters, rules), rules)] == [2]


D = Decimal
FIXED = Scheme(Basis.FIXED, D(1000))
ONE, TWO, HALF = Credited(), Credited(D(2)), Credited(D("0.5"))
RELIEVED = Credited(relieved=True)

CREDIT_CASES = [
    # failures, scheme, charge, gross, due, capped
    ([], FIXED, None, D(0), D(0), []),
    ([ONE], FIXED, None, D(1000), D(1000), []),
    ([ONE, ONE], FIXED, None, D(2000), D(2000), []),
    ([ONE, RELIEVED], FIXED, None, D(1000), D(1000), []),  # relief earns nothing
    ([RELIEVED], FIXED, None, D(0), D(0), []),
    ([RELIEVED], None, None, D(0), D(0), []),  # nothing to credit needs no scheme
    ([TWO, HALF], FIXED, None, D(2500), D(2500), []),  # weighted
    ([ONE], Scheme(Basis.PERCENT, D(2)), D(120000), D(2400), D(2400), []),
    ([TWO], Scheme(Basis.PERCENT, D("2.5")), D(10001), D("500.05"), D("500.05"), []),
    ([ONE], Scheme(Basis.PERCENT, D(2)), None, None, None, []),  # no charge recorded
    ([ONE], None, None, None, None, []),  # no scheme
    ([ONE, ONE], Scheme(Basis.FIXED, D(1000), D(1500)), None, D(2000), D(1500), ["quarter"]),
    ([ONE], Scheme(Basis.FIXED, D(1000), D(1000)), None, D(1000), D(1000), []),  # cap exactly
]


@pytest.mark.parametrize(("failures", "scheme", "charge", "gross", "due", "capped"), CREDIT_CASES)
def test_it_works_out_a_quarter_s_credit(failures, scheme, charge, gross, due, capped):
    credit = quarter_credit(0, failures, scheme, charge)
    assert (credit.gross, credit.due, credit.capped) == (gross, due, capped)
    assert credit.relieved == sum(1 for f in failures if f.relieved)


@pytest.mark.parametrize(
    ("dues", "cap", "expected"),
    [
        ([100, 100, 100], None, [100, 100, 100]),
        ([100, 100, 100], D(250), [100, 100, 50]),
        ([100, 100, 100], D(200), [100, 100, 0]),  # the cap reached exactly
        ([300, 100], D(250), [250, 0]),
    ],
)
def test_the_year_cap_cuts_later_quarters(dues, cap, expected):
    scheme = Scheme(Basis.FIXED, D(100), year_cap=cap)
    credits = []
    for i, due in enumerate(dues):
        credit = quarter_credit(i, [ONE] * (due // 100), scheme, None)
        credits.append(credit)
    apply_year_cap(credits)
    assert [c.due for c in credits] == [D(e) for e in expected]


def test_readme_s_worked_example():
    scheme = Scheme(Basis.FIXED, D(1000), quarter_cap=D(1500), year_cap=D(2000))
    q1 = quarter_credit(0, [TWO, ONE], scheme, None)
    q2 = quarter_credit(1, [RELIEVED], scheme, None)
    q3 = quarter_credit(2, [TWO], scheme, None)
    apply_year_cap([q1, q2, q3])
    assert [q.due for q in (q1, q2, q3)] == [D(1500), D(0), D(500)]


# Credits by the month: a monthly KPI's months at failure are its service failures.


def _monthly(pattern: str) -> list[Quarter]:
    """'M/MMF D .' is a quarter met whose third month failed, then a quarter at detriment entered
    alone (no months), then no approved quarter, from index 0."""
    quarters = []
    for i, token in enumerate(pattern.split()):
        if token == ".":
            continue
        status, _, months = token.partition("/")
        held = tuple(Month(n, CODES[c]) for n, c in enumerate(months, start=1))
        quarters.append(Quarter(i, CODES[status], held))
    return quarters


MONTH_FAILURE_CASES = [
    # pattern, detriment_run N, detriment_in_year K, (index, reason, month) of each failure
    ("M/MMF", None, None, [(0, "failure", 3)]),  # the quarter met, its third month failed
    ("F/FFF", None, None, [(0, "failure", 1), (0, "failure", 2), (0, "failure", 3)]),
    ("F/FDD", None, None, [(0, "failure", 1)]),  # in place of the quarter's own, not beside it
    ("F/DDD", None, None, []),  # the rolled-up figure alone is no service failure
    ("F", None, None, [(0, "failure", None)]),  # entered alone: counted as a quarter
    ("M/MMM F", None, None, [(1, "failure", None)]),
    ("S/SSS", None, None, []),  # suspended with its quarter
    ("N/NNN", None, None, []),
    # Detriment is the quarter's; a quarter holding a month's failure ends a run and is none.
    ("D/DDD D/DDD", 2, None, [(1, "detriment", None)]),
    ("D/DDD D/DDF", 2, None, [(1, "failure", 3)]),
    ("D/DDF D/DDD D/DDD", 2, None, [(0, "failure", 3), (2, "detriment", None)]),
    ("D/MMM D/DMM", 2, None, [(1, "detriment", None)]),  # months at detriment do not count alone
    ("M/DDD M/DDD", 1, 1, []),
    ("D/DDD M/MMF D/DDD", None, 2, [(1, "failure", 3), (2, "detriment", None)]),
    ("D/DDD D", 2, None, [(1, "detriment", None)]),  # a run through a quarter entered alone
]


@pytest.mark.parametrize(("pattern", "n", "k", "expected"), MONTH_FAILURE_CASES)
def test_it_counts_a_monthly_kpi_s_failures_month_by_month(pattern, n, k, expected):
    rules = FailureRules(detriment_run=n, detriment_in_year=k, by_month=True)
    found = service_failures(_monthly(pattern), rules)
    assert [(f.index, f.reason, f.month) for f in found] == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("M/MMF", []),  # the quarter met: no failure, whatever its months
        ("F/MMF", [(0, "failure", None)]),  # one failure, the quarter's
        ("F/FFF", [(0, "failure", None)]),
    ],
)
def test_with_the_setting_off_the_quarter_counts_as_before(pattern, expected):
    found = service_failures(_monthly(pattern), FailureRules())
    assert [(f.index, f.reason, f.month) for f in found] == expected


MONTH_ESCALATION_CASES = [
    # pattern, N misses, K failures, by_month, (index, kind, quarters, count) at each escalation
    ("M/FFM", 3, 2, True, [(0, "failures", (0,), 2)]),  # two failing months within a year
    ("M/FMM", 3, 2, True, []),
    ("M/MMF M/FMM", 3, 2, True, [(1, "failures", (0, 1), 2)]),
    ("M/MMF M M M M/FMM", 3, 2, True, []),  # four quarters apart and more
    ("M/FFF M/MMM", 3, 4, True, []),  # one short of K
    ("M/FFF M/MMF", 3, 4, True, [(1, "failures", (0, 1), 4)]),
    ("F/FFF", 3, 3, False, []),  # with the setting off, one failure
    # A quarter holding a month's failure has missed its target.
    ("B M/MMF B", 3, 9, True, [(2, "misses", (0, 1, 2), 3)]),
    ("B M/MMF B", 3, 9, False, []),
    ("B M/MMD B", 3, 9, True, []),  # a month at detriment in a quarter met is no miss
]


@pytest.mark.parametrize(("pattern", "n", "k", "by_month", "expected"), MONTH_ESCALATION_CASES)
def test_escalation_counts_each_month_s_failure(pattern, n, k, by_month, expected):
    rules = FailureRules(escalate_misses=n, escalate_failures=k, by_month=by_month)
    quarters = _monthly(pattern)
    found = escalations(quarters, service_failures(quarters, rules), rules)
    assert [(e.index, e.kind, e.quarters, e.count) for e in found] == expected


MONTH = Credited(month=True)
PERCENT_2 = Scheme(Basis.PERCENT, D(2))

MONTH_CREDIT_CASES = [
    # failures, scheme, charge, gross, due, capped
    ([MONTH], FIXED, None, D(1000), D(1000), []),  # a fixed amount per failure, month or not
    ([MONTH], PERCENT_2, D(120000), D(800), D(800), []),  # 2% of a month's £40,000
    ([MONTH] * 3, PERCENT_2, D(120000), D(2400), D(2400), []),  # three months: one quarter
    ([ONE, MONTH], PERCENT_2, D(120000), D(3200), D(3200), []),
    ([Credited(D(2), month=True)], PERCENT_2, D(120000), D(1600), D(1600), []),  # weighted
    ([Credited(month=True, relieved=True), MONTH], FIXED, None, D(1000), D(1000), []),
    ([MONTH], Scheme(Basis.PERCENT, D("2.5")), D(10000), D("83.33"), D("83.33"), []),
    ([MONTH] * 3, Scheme(Basis.PERCENT, D("2.5")), D(10000), D(250), D(250), []),  # not 249.99
    ([MONTH], PERCENT_2, None, None, None, []),  # no charge recorded
    # The quarter cap holds the quarter's total, its months included.
    (
        [ONE, MONTH, MONTH],
        Scheme(Basis.FIXED, D(1000), D(2500)),
        None,
        D(3000),
        D(2500),
        ["quarter"],
    ),
]


@pytest.mark.parametrize(
    ("failures", "scheme", "charge", "gross", "due", "capped"), MONTH_CREDIT_CASES
)
def test_a_month_s_failure_earns_its_credit(failures, scheme, charge, gross, due, capped):
    credit = quarter_credit(0, failures, scheme, charge)
    assert (credit.gross, credit.due, credit.capped) == (gross, due, capped)
    assert credit.failures == len(failures)


def test_the_year_cap_holds_months_too():
    scheme = Scheme(Basis.FIXED, D(1000), year_cap=D(2500))
    q1 = quarter_credit(0, [MONTH, MONTH], scheme, None)
    q2 = quarter_credit(1, [MONTH], scheme, None)
    apply_year_cap([q1, q2])
    assert [(q.due, q.capped) for q in (q1, q2)] == [(D(2000), []), (D(500), ["year"])]


@pytest.mark.parametrize(
    ("monthly", "rollup", "status", "expected"),
    [
        (True, "average", "failure", True),
        (True, "ratio", "met", True),  # months may fail where the quarter met its target
        (True, "worst", "suspended", True),  # judged, and suspended with the quarter
        (True, "last", "below_target", True),
        (True, "sum", "failure", False),  # a sum's thresholds are the quarter's total
        (False, "average", "failure", False),  # a quarterly KPI
        (True, "average", "not_in_force", False),
        (True, "average", "data_only", False),
        (True, "average", "not_measured", False),
        (True, "average", "missing", False),
    ],
)
def test_only_a_judged_monthly_quarter_s_months_count(monthly, rollup, status, expected):
    assert counts_months(monthly=monthly, rollup=rollup, status=status) is expected
