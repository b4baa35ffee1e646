"""The regime's rules, table by table, with no database."""

from decimal import Decimal

import pytest

from regime.rules import (
    Basis,
    Credited,
    FailureRules,
    Quarter,
    Scheme,
    apply_year_cap,
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
