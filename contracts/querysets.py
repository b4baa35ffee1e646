"""How the contracts app's rows are read and written in bulk: contracts by who may read or edit
them, and the rows a contract's pages show, whose writes in bulk move the contract's data
version on so that no cached page outlives them (`kpis.pages.page_cache`).

Apart from the models (`contracts.models`), which name these as their managers, and which the
rest of the project builds its own QuerySets on (`VersionedQuerySet`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import F, Q

from contracts.compiled import compiled

if TYPE_CHECKING:
    from contracts.models import Contract

_Method = TypeVar("_Method", bound=Callable[..., Any])


def _like_django(method: _Method) -> _Method:
    """Mark an override as Django marks the QuerySet method it replaces: templates never call it
    (`alters_data`), and `delete()` is never copied onto a manager (`queryset_only`)."""
    vars(method).update(vars(getattr(models.QuerySet, method.__name__)))
    return method


class ContractQuerySet(models.QuerySet["Contract"]):
    def touch(self) -> int:
        """Move these contracts' data version on: what their pages show may have changed."""
        return self.update(data_version=F("data_version") + 1)

    @_like_django
    def update(self, **kwargs: Any) -> int:
        # A change to the contracts themselves moves their version on in the same UPDATE.
        kwargs.setdefault("data_version", F("data_version") + 1)
        return super().update(**kwargs)

    @_like_django
    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        # Never the versions read earlier: another change may have moved them on since. Each
        # batch is written through `update`, which moves the version on.
        fields = [name for name in fields if name != "data_version"]
        return super().bulk_update(objs, fields, batch_size)

    def visible_to(self, user) -> ContractQuerySet:
        """Contracts this user may read: every signed-in user reads every contract."""
        if not user.is_authenticated:
            return self.none()
        return self

    def visible_by_code(self, user, code: str) -> Contract | None:
        """The contract with this code if this user may read it (as `visible_to` says), else
        None. Every page about a contract begins with it, so it reads from SQL compiled once per
        process: compiling the query took longer than running it (tests/contracts/
        test_compiled.py holds the two ways to the same answers)."""
        if not user.is_authenticated:
            return None
        db = self.db  # where this request reads: the same alias compiles and runs it
        found = list(self.model._default_manager.db_manager(db).raw(_by_code_sql(db), [code]))
        return found[0] if found else None

    def editable_by(self, user) -> ContractQuerySet:
        """Contracts whose figures this user may enter: their assigned ones (all for admins)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(assignments__user=user).distinct()


class VersionedQuerySet(models.QuerySet):
    """Rows that a contract's pages show, whose writes in bulk move the contract's data version on.

    A row saved or deleted on its own sends a signal, on which `kpis.writes.data_version.watch`
    moves the version on; `update`, `bulk_create`, `bulk_update` and `delete` send none, so they
    touch the contracts of the rows they write here, in the same transaction as the write (Django's
    `bulk_update` writes each batch through `update`). simple-history's
    `bulk_create_with_history` and `bulk_update_with_history` write through the model's default
    manager, so they are covered too. A subclass names the path from a row to its contract
    (`contract_path`), or overrides `contracts_of` and `contracts_of_objects`.
    """

    # From a row to its contract: "contract", or "kpi__contract" for a KPI's rows. None where
    # every contract's pages show the rows (the quarters).
    contract_path: str | None = "contract"

    def contracts_of(self, rows: models.QuerySet) -> Q:
        """The contracts that show the stored `rows`, as a filter of contracts."""
        if self.contract_path is None:
            return Q()
        return Q(pk__in=rows.values(self.contract_path))

    def contracts_of_objects(self, objs: Sequence[models.Model]) -> Q:
        """The contracts that show `objs`, saved or not, read from their own fields."""
        if self.contract_path is None:
            return Q()
        link = self._link()
        ids = {getattr(obj, link.attname) for obj in objs}
        rest = self.contract_path.partition("__")[2]
        if not rest:
            return Q(pk__in=ids)
        return Q(pk__in=link.related_model._base_manager.filter(pk__in=ids).values(rest))

    @_like_django
    def update(self, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db, savepoint=False):
            if not self._moves_rows(kwargs):
                # Read before the update, which may change the rows the filter finds.
                _touch(self.contracts_of(self))
                return super().update(**kwargs)
            # Rows given another contract: both the contracts they leave and those they join.
            rows = self.model._base_manager.filter(pk__in=list(self.values_list("pk", flat=True)))
            _touch(self.contracts_of(rows))
            count = super().update(**kwargs)
            _touch(self.contracts_of(rows))
            return count

    @_like_django
    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        rows = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            _touch(self.contracts_of_objects(rows))
            return super().bulk_create(rows, *args, **kwargs)

    @_like_django
    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db, savepoint=False):
            _touch(self.contracts_of(self))
            return super().delete()

    def _moves_rows(self, names: Iterable[str]) -> bool:
        """Whether writing the fields `names` can give a row another contract."""
        if self.contract_path is None:
            return False
        link = self._link()
        return bool({link.name, link.attname} & set(names))

    def _link(self) -> models.ForeignKey:
        """The field of a row that leads to its contract: the first step of `contract_path`."""
        field = self.model._meta.get_field((self.contract_path or "").partition("__")[0])
        if not isinstance(field, models.ForeignKey):
            raise ImproperlyConfigured(f"{self.contract_path} does not lead to a contract.")
        return field


def _touch(contracts: Q) -> None:
    # By name: the models module imports this one.
    apps.get_model("contracts", "Contract").objects.filter(contracts).touch()


# A code that no contract has (a code holds no spaces), standing in for the one asked for.
_STAND_IN_CODE = "stand in"


@lru_cache(maxsize=4)
def _by_code_sql(db: str) -> str:
    query = apps.get_model("contracts", "Contract").objects.using(db)
    query = query.filter(code=_STAND_IN_CODE).order_by()
    sql, params = compiled(query, db)
    if params != (_STAND_IN_CODE,):
        raise ValueError(f"A contract by its code is read with {params}, not its code alone")
    return sql


# The manager of the rows of a contract's own that have no QuerySet of their own.
VersionedManager = models.Manager.from_queryset(VersionedQuerySet)
