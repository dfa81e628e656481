"""Bulk inserts: COPY on PostgreSQL, ``bulk_create`` on other databases.

On PostgreSQL the primary keys are drawn from the table's sequence first and the rows
are COPYed; each value is stored as Django's INSERT would store it: values a field keeps
as they are (a ``str`` in a ``CharField``, an aware ``datetime`` in a ``DateTimeField``…)
go as they are, every other value through the field's ``get_db_prep_save``.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, models

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
    opts = model._meta.concrete_model._meta
    pk = opts.pk.attname
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    unsaved = [obj for obj in objs if getattr(obj, pk) is None]
    for obj, new_id in zip(unsaved, _next_ids(opts, len(unsaved)), strict=True):
        setattr(obj, pk, new_id)
    fields = opts.concrete_fields
    values = [_value_of(field) for field in fields]
    copy_rows(
        opts.db_table,
        [connection.ops.quote_name(f.column) for f in fields],
        ([value(obj) for value in values] for obj in objs),
    )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _next_ids(opts, count: int) -> list[int]:
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(opts.db_table), opts.pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _value_of(field: models.Field):
    """A function from an instance to the database value of ``field``."""
    attname = field.attname
    prep = field.get_db_prep_save
    if type(field).pre_save is not models.Field.pre_save and not (
        isinstance(field, models.DateField) and not (field.auto_now or field.auto_now_add)
    ):
        return lambda obj: prep(field.pre_save(obj, True), connection)
    if type(field) is models.DateTimeField:
        return lambda obj: (
            value
            if (value := getattr(obj, attname)) is None
            or (type(value) is datetime.datetime and value.tzinfo is not None)
            else prep(value, connection)
        )
    target = (
        field.target_field if type(field) in (models.ForeignKey, models.OneToOneField) else field
    )
    types = _AS_IS.get(type(target))
    if types is None:
        return lambda obj: prep(getattr(obj, attname), connection)
    return lambda obj: (
        value
        if (value := getattr(obj, attname)) is None or type(value) in types
        else prep(value, connection)
    )
