"""Which events a party may read (issue 11's rule, per event type's audience): the feed asks,
and so does anything that pushes events out. Operators read everything; a gmina's members read
their gmina's events but the platform's housekeeping; a voivodeship's reviewers its gminas'
submissions, reviews, reports and acts; analysts and API clients (within their
voivodeships) what is public."""

from __future__ import annotations

from django.db.models import Q

from mozaika.errors import PermissionDenied
from mozaika.events.catalogue import Audience, event_names_for
from mozaika.identity.authz import Action, authorize_platform, who_may
from mozaika.identity.models import Role
from mozaika.identity.principal import Principal, PrincipalKind
from mozaika.tenancy import in_voivodeships

_GMINA_ROLES = (Role.GMINA_ADMIN, Role.GMINA_EDITOR, Role.GMINA_VIEWER)


def readable_events(principal: Principal) -> Q:
    """A filter on `Event` rows: what `principal` may read. Refused when it may read none."""
    if principal.kind is PrincipalKind.CLIENT:
        authorize_platform(principal=principal, action=Action.EVENTS_READ)  # the scope, or 403
        public = Q(type__in=event_names_for(Audience.PUBLIC))
        return public if principal.voivodeships is None else public & in_voivodeships(principal.voivodeships)
    if principal.has_role(Role.OPERATOR):
        return Q()
    readable = Q(pk__in=[])
    for grant in principal.grants:
        if grant.role in _GMINA_ROLES:
            gmina_events = event_names_for(Audience.GMINA, Audience.REVIEW, Audience.PUBLIC)
            readable |= Q(teryt=grant.scope, type__in=gmina_events)
        elif grant.role == Role.REGIONAL_REVIEWER:
            review_events = event_names_for(Audience.REVIEW, Audience.PUBLIC)
            readable |= in_voivodeships([grant.scope]) & Q(type__in=review_events)
        elif grant.role == Role.NATIONAL_ANALYST:
            readable |= Q(type__in=event_names_for(Audience.PUBLIC))
    if not principal.grants:
        allowed = ", ".join([*who_may(Action.EVENTS_READ), "a gmina's members", "a voivodeship's reviewers"])
        raise PermissionDenied(f"Not allowed: events.read. Allowed for: {allowed}.")
    return readable
