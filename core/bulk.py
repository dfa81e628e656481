"""Bulk inserts: COPY on PostgreSQL, ``bulk_create`` on other databases.

On PostgreSQL the primary keys are drawn from the table's sequence first and the rows
are COPYed; each value is stored as Django's INSERT would store it: values a field keeps
as they are (a ``str`` in a ``CharField``, an aware ``datetime`` in a ``DateTimeField``…)
go as they are, every other value through the field's ``get_db_prep_save``.
"""

import datetime
import operator
from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# Field classes that store a value of these types unchanged on PostgreSQL.
_AS_IS = {
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.SmallAutoField: (int,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.BooleanField: (bool,),
    models.CharField: (str,),
    models.TextField: (str,),
    models.SlugField: (str,),
    models.EmailField: (str,),
}


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY ``rows`` (database values) into ``columns`` of ``table``; returns how many."""
    n = 0
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def insert_objects(objs: list[models.Model]) -> list[models.Model]:
    """Insert unsaved instances of one model, like ``bulk_create``; their primary keys are set."""
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objs, batch_size=1000)
    db = connections[DEFAULT_DB_ALIAS]
    opts = model._meta.concrete_model._meta
    pk = opts.pk.attname
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    unsaved = [obj for obj in objs if getattr(obj, pk) is None]
    for obj, new_id in zip(unsaved, _next_ids(db, opts, len(unsaved)), strict=True):
        setattr(obj, pk, new_id)
    fields = opts.concrete_fields
    values = [(_getter(field), _preparer(db, field)) for field in fields]
    copy_rows(
        opts.db_table,
        [db.ops.quote_name(f.column) for f in fields],
        ([prep(get(obj)) for get, prep in values] for obj in objs),
    )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias
    return objs


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence) -> list[int]:
    """Insert rows of values for ``fields`` (attribute names) of a model with an automatic
    primary key, without building instances; the other fields take their defaults.
    Returns the new primary keys, in the order of ``rows``."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        return [o.pk for o in model._default_manager.bulk_create(objs, batch_size=1000)]
    db = connections[DEFAULT_DB_ALIAS]
    opts = model._meta.concrete_model._meta
    named = {f.attname: f for f in opts.concrete_fields}
    given = [named[name] for name in fields]
    rest = [f for f in opts.concrete_fields if f.attname not in fields and not f.primary_key]
    preps = [_preparer(db, f) for f in (*given, *rest)]
    ids = _next_ids(db, opts, len(rows))

    def values(new_id, row):
        row = [*row, *(f.get_default() for f in rest)]
        return [new_id, *(prep(value) for prep, value in zip(preps, row, strict=True))]

    copy_rows(
        opts.db_table,
        [db.ops.quote_name(f.column) for f in (opts.pk, *given, *rest)],
        (values(new_id, row) for new_id, row in zip(ids, rows, strict=True)),
    )
    return ids


def _next_ids(db, opts, count: int) -> list[int]:
    if not count:
        return []
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [db.ops.quote_name(opts.db_table), opts.pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _getter(field: models.Field):
    """A function from an instance to its value of ``field``, as ``bulk_create`` reads it."""
    if type(field).pre_save is not models.Field.pre_save and not (
        isinstance(field, models.DateField) and not (field.auto_now or field.auto_now_add)
    ):
        return lambda obj: field.pre_save(obj, True)
    return operator.attrgetter(field.attname)


def _preparer(db, field: models.Field):
    """A function from a value of ``field`` to its database value."""
    prep = field.get_db_prep_save
    if type(field) is models.DateTimeField:
        return lambda value: (
            value
            if value is None or (type(value) is datetime.datetime and value.tzinfo is not None)
            else prep(value, db)
        )
    target = (
        field.target_field if type(field) in (models.ForeignKey, models.OneToOneField) else field
    )
    types = _AS_IS.get(type(target))
    if types is None:
        return lambda value: prep(value, db)
    return lambda value: value if value is None or type(value) in types else prep(value, db)
