"""Changes made outside the identity services (the Django admin, a shell) move the principals'
version too: whatever saves or deletes an account, a grant, a client or a credential."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models.signals import post_delete, post_save

from mozaika.identity.cache import principals_changed
from mozaika.identity.models import ApiClient, ApiClientSecret, ApiToken, RoleGrant

# A new credential changes no cached principal: nobody can have cached it yet.
_NEW_IS_HARMLESS = (ApiToken, ApiClientSecret)


def _saved(sender: type, instance: Any, created: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    if created and sender in _NEW_IS_HARMLESS:
        return
    if sender is User and update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login changes nothing a principal holds
    principals_changed()


def _deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    principals_changed()


def connect() -> None:
    for model in (User, RoleGrant, ApiClient, ApiClientSecret, ApiToken):
        post_save.connect(_saved, sender=model, dispatch_uid=f"principals-saved-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"principals-deleted-{model.__name__}")
