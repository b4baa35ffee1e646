"""Queries compiled to SQL once per process, for the reads that nearly every request makes.

Building a queryset and compiling it can cost more than the database takes to answer it (half a
millisecond against a fifth for a user's roles; twenty milliseconds for the status of a
contract's readings, see docs/performance.md), while the text of such a query never changes: only
the ids it is asked about do. Such a query is compiled once, for stand-ins, and each read puts
the values asked for where the stand-ins were.

A stand-in is found again among the compiled parameters in one of two ways: a list (the array of
an `= ANY(%s)`) by its identity, so that any list may stand in; a single id by its value,
`STAND_IN_ID`, which no row has.

It lives in the lowest app, as every app may use it: a user's roles are read here, readings'
statuses in `kpis`.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import weakref
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# An id that no row has, standing in for the one id a compiled query is asked about.
STAND_IN_ID = -1_999_999_999


def compiled(queryset: QuerySet, using: str | None = None) -> tuple[str, tuple]:
    """The SQL of `queryset` on `using` (where it reads, unless named) and its parameters."""
    sql, params = queryset.query.get_compiler(using=using or queryset.db).as_sql()
    return sql, tuple(params)


def filled(
    params: Sequence, lists: Mapping[int, Sequence] | None = None, *, one_id: int | None = None
) -> list:
    """A compiled query's parameters with the values asked for in place of the stand-ins: each
    list stand-in (its identity the key of `lists`) by the values it stands for, and every
    `STAND_IN_ID` by `one_id`."""
    lists = lists or {}
    found: list[Any] = []
    for param in params:
        if id(param) in lists:
            found.append(list(lists[id(param)]))
        elif one_id is not None and isinstance(param, int) and param == STAND_IN_ID:
            found.append(one_id)
        else:
            found.append(param)
    return found


# The statements prepared on each open database connection, by name. A connection's statements
# last as long as it does (rolling a transaction back keeps them), and a connection closed is
# dropped from here with it.
_PREPARED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def prepared(sql: str, params: Sequence, using: str) -> tuple[str, list]:
    """`sql` as a statement that PostgreSQL prepares once per connection, and the SQL and
    parameters that run it (elsewhere, `sql` and `params` as they are).

    Planning the status of a contract's readings took PostgreSQL 8 to 12 ms, against 4 to
    run it (docs/performance.md): prepared, it is planned once for the connection's life, for
    any values (`plan_cache_mode` in the settings), as its text never changes.
    The statement is prepared outside Django's cursor, as Django sets up a new connection, so
    that a page reads as many queries on a fresh connection as on one that ran it before.
    """
    wrapper = connections[using]
    if wrapper.vendor != "postgresql":
        return sql, list(params)
    wrapper.ensure_connection()
    names = _PREPARED.setdefault(wrapper.connection, set())
    name = _statement_name(sql)
    if name not in names:
        with wrapper.connection.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
        names.add(name)
    if not params:
        return f"EXECUTE {name}", []
    return f"EXECUTE {name}({', '.join(['%s'] * len(params))})", list(params)


@lru_cache(maxsize=64)
def _statement_name(sql: str) -> str:
    """A name for the statement of `sql`, the same in every process: a hash of its text, worked
    out once per process, as the text of a compiled query never changes."""
    return "compiled_" + hashlib.sha256(sql.encode()).hexdigest()[:24]


def _numbered(sql: str) -> str:
    """Django's `%s` placeholders as PostgreSQL's `$1`, `$2` ..., and its `%%` as `%`."""
    count = itertools.count(1)
    return re.sub(r"%([s%])", lambda m: "%" if m.group(1) == "%" else f"${next(count)}", sql)
