"""A contract's small tables read in one query, for the pages that show many of them at once.

The scorecard and the committee pack show a handful of rows from each of many small tables (the
regime's settings, credit schemes, charges, credits applied and reliefs, the contract's
extensions and budgets, its published packs): one query each made those pages slow to build.
`read_together` reads any number of querysets in one `UNION ALL`, each row carried as a JSON
object beside the name of its queryset and its place in that queryset's order, and turns the
rows back into model instances as the ORM would.

Apps built on `kpis` register what they read of a contract (`register`), so that a page asks for
all of it at once (`preload`) without naming those apps; each then takes its rows with `rows`,
which reads them alone where the page did not preload them (the regime's own page, the API).
What is preloaded lives on the contract object, that is for one request only.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Cast, JSONObject, RowNumber
from django.utils.dateparse import parse_date, parse_datetime

from contracts.compiled import STAND_IN_ID, compiled, filled, prepared
from contracts.models import Contract

# (contract) -> the queryset of its rows
Source = Callable[..., QuerySet]

_sources: dict[str, Source] = {}
_HELD = "_small_tables"
# Annotations travel beside the fields, under names no field has.
_ANNOTATED = "annotated:"


def register(name: str, source: Source) -> None:
    """Register the rows `name` of a contract: `source(contract)` is their queryset, which may
    depend on the contract's id alone (the query is compiled once per process with a stand-in
    for it, `_compiled`)."""
    _sources[name] = source


def preload(contract, names: Iterable[str] | None = None) -> None:
    """Read every registered table of `contract` not held yet (or those of `names`, for a page
    that shows only some), in one query, and keep the rows on the contract object (a page's, for
    one request) for `tables_of` and `rows`."""
    held = contract.__dict__.setdefault(_HELD, {})
    held.update(tables_of(contract, _sources if names is None else names))


def tables_of(contract, names: Iterable[str]) -> dict[str, list[Any]]:
    """The rows of the registered tables `names` for `contract`: those the page preloaded, and
    the rest read now, together in one query (and not kept)."""
    held = contract.__dict__.get(_HELD, {})
    found = {name: held[name] for name in names if name in held}
    missing = tuple(name for name in names if name not in held)
    if not missing:
        return found
    if contract.pk is None:
        return found | read_together({name: _sources[name](contract) for name in missing})
    return found | _read_compiled(contract.pk, missing)


def rows(contract, name: str) -> list[Any]:
    """The rows of the registered table `name` for `contract`."""
    return tables_of(contract, [name])[name]


def read_together(querysets: Mapping[str, QuerySet]) -> dict[str, list[Any]]:
    """Each queryset's instances, in its order, from one query (none for no querysets).

    A queryset may defer fields (`defer`, `only`) and annotate rows with plain values (each set
    on its instance); its `select_related` is not followed, so a caller attaches related rows it
    holds or reads them as another queryset here.
    """
    if not querysets:
        return {}
    union, fields = _union(querysets)
    return _instances(querysets, fields, union.db, list(union))


def _union(querysets: Mapping[str, QuerySet]) -> tuple[QuerySet, dict[str, list[models.Field]]]:
    fields = {name: _fields(qs) for name, qs in querysets.items()}
    parts = [_part(name, qs, fields[name]) for name, qs in querysets.items()]
    return (parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]), fields


def _instances(
    querysets: Mapping[str, QuerySet],
    fields: Mapping[str, list[models.Field]],
    db: str,
    rows: Iterable[tuple],
) -> dict[str, list[Any]]:
    """The union's rows (name, place, JSON object) as each queryset's instances, in its order."""
    found: dict[str, list[Any]] = {name: [] for name in querysets}
    # SQLite keeps JSON as text, which a JSON object carries as a string.
    json_as_text = connections[db].vendor == "sqlite"
    for name, _, text in sorted(rows, key=lambda row: (row[0], row[1])):
        qs, chosen = querysets[name], fields[name]
        data = json.loads(text)
        values = [_python(field, data[field.attname], json_as_text) for field in chosen]
        instance = qs.model.from_db(db, [f.attname for f in chosen], values)
        for key, annotation in qs.query.annotation_select.items():
            value = _python(annotation.output_field, data[_ANNOTATED + key], json_as_text)
            setattr(instance, key, value)
        found[name].append(instance)
    return found


@lru_cache(maxsize=64)
def _compiled(names: tuple[str, ...], db: str) -> tuple[str, tuple, dict, dict]:
    """The union of the registered tables `names`, compiled for a stand-in contract on `db`:
    building and compiling the union's parts took a third of the small tables' time on every
    page that reads them (docs/performance.md)."""
    stand_in = Contract(pk=STAND_IN_ID)
    querysets = {name: _sources[name](stand_in).using(db) for name in names}
    union, fields = _union(querysets)
    sql, params = compiled(union, db)
    if STAND_IN_ID not in params:
        raise ValueError(f"The tables {names} do not depend on the contract")
    return sql, params, querysets, fields


def _read_compiled(contract_id: int, names: tuple[str, ...]) -> dict[str, list[Any]]:
    # Where a request reads (a replica, or the primary just after the reader's own write).
    first = _compiled(names, DEFAULT_DB_ALIAS)[2][names[0]].model
    db = router.db_for_read(first)
    sql, template, querysets, fields = _compiled(names, db)
    params = filled(template, one_id=contract_id)
    with connections[db].cursor() as cursor:
        cursor.execute(*prepared(sql, params, db))
        rows = cursor.fetchall()
    return _instances(querysets, fields, db, rows)


def _fields(qs: QuerySet) -> list[models.Field]:
    """The concrete fields the queryset loads, in the model's order."""
    names, defer = qs.query.deferred_loading
    concrete = qs.model._meta.concrete_fields
    known = {f.name for f in concrete} | {f.attname for f in concrete}
    unknown = set(names) - known
    if unknown:
        raise ValueError(f"Only plain fields can be deferred here, not {sorted(unknown)}")
    if defer:
        return [f for f in concrete if f.name not in names and f.attname not in names]
    chosen = set(names) | {qs.model._meta.pk.name}
    return [f for f in concrete if f.name in chosen or f.attname in chosen]


def _part(name: str, qs: QuerySet, fields: list[models.Field]) -> QuerySet:
    ordering = [*(qs.query.order_by or qs.model._meta.ordering or []), "pk"]
    order_by = [F(o[1:]).desc() if o.startswith("-") else F(o).asc() for o in ordering]
    row = JSONObject(
        **{f.attname: _sql(f) for f in fields},
        **{_ANNOTATED + key: F(key) for key in qs.query.annotation_select},
    )
    return (
        qs.order_by()
        .annotate(
            _together_kind=Value(name, output_field=TextField()),
            _together_at=models.Window(RowNumber(), order_by=order_by),
            _together_row=Cast(row, TextField()),
        )
        .values_list("_together_kind", "_together_at", "_together_row")
    )


def _sql(field: models.Field):
    # Decimals as text, so that no figure goes through a float.
    if isinstance(field, models.DecimalField):
        return Cast(F(field.attname), TextField())
    return F(field.attname)


def _python(field: models.Field, value: Any, json_as_text: bool) -> Any:
    """A value as JSON carried it, as the ORM would have loaded it."""
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places))
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None and settings.USE_TZ and moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment
    if isinstance(field, models.DateField):
        return parse_date(value)
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.JSONField) and json_as_text:
        return json.loads(value, cls=field.decoder)
    return value


def as_prefetched(instance, related_name: str, found: list[Any]) -> None:
    """Hold `found` as `instance`'s related rows, as `prefetch_related(related_name)` would,
    so that `instance.<related_name>.all()` reads nothing."""
    queryset = getattr(instance, related_name).all()
    queryset._result_cache = list(found)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[related_name] = queryset
