"""Per-object grants, through django-guardian's direct-FK permission models.

Every grant and revocation in the project goes through these functions. The
direct-FK model for a target is found by guardian itself, so this module does
not need to know the models of the apps above it.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from guardian.utils import get_user_obj_perms_model

from core.bulk import insert_rows


def _permission(model: type[models.Model], codename: str) -> Permission:
    content_type = ContentType.objects.get_for_model(model)
    return Permission.objects.get(content_type=content_type, codename=codename)


def _direct_model(model: type[models.Model]) -> type[models.Model]:
    perm_model = get_user_obj_perms_model(model)
    if perm_model.objects.is_generic():
        raise ImproperlyConfigured(
            f"{model.__name__} needs a direct-FK user object permission model."
        )
    return perm_model


def grant_many(
    *, model: type[models.Model], codename: str, pairs: Iterable[tuple[int, int]]
) -> int:
    """Grant ``codename`` on objects of ``model`` for (user id, object id) pairs, in bulk.

    Existing grants are left as they are. Returns the number of pairs asked for.
    """
    perm_model = _direct_model(model)
    permission = _permission(model, codename)
    rows = [
        perm_model(user_id=user_id, permission=permission, content_object_id=object_id)
        for user_id, object_id in pairs
    ]
    perm_model.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def grant_new(*, model: type[models.Model], codename: str, pairs: Iterable[tuple[int, int]]) -> int:
    """``grant_many`` on objects created in the current transaction, which hold no grant
    yet: written without the conflict check (COPYed on PostgreSQL)."""
    permission_id = _permission(model, codename).pk
    rows = [(user_id, permission_id, object_id) for user_id, object_id in pairs]
    insert_rows(_direct_model(model), ["user_id", "permission_id", "content_object_id"], rows)
    return len(rows)


def grant(*, user, codename: str, obj: models.Model) -> None:
    grant_many(model=type(obj), codename=codename, pairs=[(user.pk, obj.pk)])


def revoke_many(
    *,
    model: type[models.Model],
    codename: str,
    object_ids: Iterable[int] | None = None,
    user_ids: Iterable[int] | None = None,
) -> int:
    """Revoke ``codename`` on objects of ``model``; returns the number of grants removed."""
    perm_model = _direct_model(model)
    qs = perm_model.objects.filter(
        permission__codename=codename,
        permission__content_type=ContentType.objects.get_for_model(model),
    )
    if object_ids is not None:
        qs = qs.filter(content_object_id__in=list(object_ids))
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    deleted, _ = qs.delete()
    return deleted


def granted_ids(*, user_id: int, model: type[models.Model], codename: str) -> models.QuerySet:
    """A subquery of the ids of ``model`` objects on which the user holds ``codename``."""
    perm_model = _direct_model(model)
    return perm_model.objects.filter(
        user_id=user_id,
        permission__codename=codename,
        permission__content_type__app_label=model._meta.app_label,
        permission__content_type__model=model._meta.model_name,
    ).values("content_object_id")
