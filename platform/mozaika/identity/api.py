"""People, roles, API clients and sign-in: authorise, call a service, shape the answer."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, StrictBool

from mozaika.audit.log import actor_for
from mozaika.errors import NotFound, PermissionDenied
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, authorize_gmina, authorize_platform
from mozaika.identity.models import GMINA_ROLES, ApiClient, NotificationKind, Role, RoleGrant, Scope
from mozaika.identity.notifications import notification_switch, notifications_of
from mozaika.identity.principal import Principal, PrincipalKind
from mozaika.identity.services import login, person_create, role_grant, role_revoke
from mozaika.identity.tokens import (
    api_client_create,
    api_client_deactivate,
    api_client_rotate,
    api_client_secret_revoke,
    credential_revoke,
)
from mozaika.params import GminaTerytPath

router = Router(tags=["identity"])

Username = Field(min_length=1, max_length=150, pattern=r"^[A-Za-z0-9_.@+-]+$")


class LoginIn(Schema):
    username: str = Username
    password: str = Field(min_length=1, max_length=1000)


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105  (the scheme's name)


class GrantOut(Schema):
    role: Role
    scope: str


class MeOut(Schema):
    kind: str
    name: str
    grants: list[GrantOut]
    scopes: list[str]
    voivodeships: list[str] | None


class PersonIn(Schema):
    username: str = Username
    email: str = Field("", max_length=254)
    password: str | None = Field(None, min_length=12, max_length=1000)


class PersonOut(Schema):
    username: str
    email: str
    is_active: bool


class GrantIn(Schema):
    role: Role
    scope: str = Field("", max_length=7)


class MemberIn(Schema):
    username: str = Username
    role: Role


class MemberOut(Schema):
    username: str
    role: Role


class ClientIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(min_length=1)
    voivodeships: list[str] = Field(default_factory=list, description="empty: nationwide")


class ClientOut(Schema):
    id: int
    name: str
    scopes: list[str]
    voivodeships: list[str]
    is_active: bool
    created_at: dt.datetime


class ClientSecretOut(Schema):
    client_id: int
    secret: str = Field(description="shown once; only its hash is stored")


@router.post(
    "/auth/token",
    operation_id="signIn",
    auth=None,
    response=TokenOut,
    summary="Sign in with a password: a bearer token",
)
def sign_in(request: HttpRequest, payload: LoginIn) -> TokenOut:
    ip = request.META.get("REMOTE_ADDR") or None
    return TokenOut(token=login(username=payload.username, password=payload.password, ip=ip))


@router.post(
    "/auth/revoke",
    operation_id="signOut",
    response={204: None},
    summary="Revoke the token or client secret this request carries",
)
def sign_out(request: HttpRequest) -> Status[None]:
    credential_revoke(secret=request.headers.get("Authorization", "").removeprefix("Bearer ").strip())
    return Status(204, None)


@router.get(
    "/me", operation_id="getMe", response=MeOut, summary="Who the credential belongs to, and its roles or scopes"
)
def me(request: HttpRequest) -> MeOut:
    who: Principal = principal_of(request)
    return MeOut(
        kind=who.kind.value,
        name=who.name,
        grants=[GrantOut(role=g.role, scope=g.scope) for g in sorted(who.grants, key=lambda g: (g.role, g.scope))],
        scopes=sorted(who.scopes),
        voivodeships=sorted(who.voivodeships) if who.voivodeships is not None else None,
    )


class NotificationOut(Schema):
    kind: NotificationKind
    label: str
    enabled: bool


class NotificationIn(Schema):
    enabled: StrictBool  # true or false; not 0, 1 or "yes"


def _person(request: HttpRequest) -> Principal:
    who = principal_of(request)
    if who.kind is not PrincipalKind.PERSON:
        raise PermissionDenied("E-mail notifications belong to people; an API client has none. Allowed for: a person.")
    return who


def _notifications(user_id: int) -> list[NotificationOut]:
    return [NotificationOut(kind=NotificationKind(kind), label=str(NotificationKind(kind).label), enabled=on)
            for kind, on in notifications_of(user_id).items()]  # fmt: skip


@router.get(
    "/me/notifications",
    operation_id="listMyNotifications",
    response=list[NotificationOut],
    summary="The e-mails you get (each kind can be off)",
)
def my_notifications(request: HttpRequest) -> list[NotificationOut]:
    return _notifications(_person(request).id)


@router.put(
    "/me/notifications/{kind}",
    operation_id="setMyNotification",
    response=list[NotificationOut],
    summary="Switch a kind of e-mail on or off",
)
def switch_notification(request: HttpRequest, kind: NotificationKind, payload: NotificationIn) -> list[NotificationOut]:
    who = _person(request)
    notification_switch(user_id=who.id, kind=kind, enabled=payload.enabled)
    return _notifications(who.id)


@router.post("/users", operation_id="createUser", response={201: PersonOut}, summary="Create a person (operator)")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[User]:
    decision = authorize_platform(principal=principal_of(request), action=Action.USERS_MANAGE)
    user = person_create(
        username=payload.username, password=payload.password, email=payload.email, actor=actor_for(request, decision)
    )
    return Status(201, user)


@router.post(
    "/users/{username}/roles", operation_id="grantRole", response={201: GrantOut}, summary="Grant a role (operator)"
)
def grant_role(request: HttpRequest, username: str, payload: GrantIn) -> Status[RoleGrant]:
    decision = authorize_platform(principal=principal_of(request), action=Action.USERS_MANAGE)
    grant = role_grant(username=username, role=payload.role, scope=payload.scope, actor=actor_for(request, decision))
    return Status(201, grant)


@router.delete(
    "/users/{username}/roles/{role}",
    operation_id="revokeRole",
    response={204: None},
    summary="Revoke a role (operator)",
)
def revoke_role(request: HttpRequest, username: str, role: Role, scope: str = "") -> Status[None]:
    decision = authorize_platform(principal=principal_of(request), action=Action.USERS_MANAGE)
    role_revoke(username=username, role=role, scope=scope, actor=actor_for(request, decision))
    return Status(204, None)


@router.get(
    "/gminas/{teryt}/members",
    operation_id="listGminaMembers",
    response=list[MemberOut],
    summary="The gmina's people (gmina admin)",
)
def list_members(request: HttpRequest, teryt: str = GminaTerytPath) -> list[MemberOut]:
    authorize_gmina(principal=principal_of(request), teryt=teryt, action=Action.MEMBERS_MANAGE)
    grants = (
        RoleGrant.objects.filter(scope=teryt, role__in=GMINA_ROLES).select_related("user").order_by("user__username")
    )
    return [MemberOut(username=g.user.username, role=Role(g.role)) for g in grants]


@router.post(
    "/gminas/{teryt}/members",
    operation_id="addGminaMember",
    response={201: MemberOut},
    summary="Give a person a gmina role (gmina admin)",
)
def add_member(request: HttpRequest, payload: MemberIn, teryt: str = GminaTerytPath) -> Status[MemberOut]:
    decision = authorize_gmina(principal=principal_of(request), teryt=teryt, action=Action.MEMBERS_MANAGE)
    if payload.role not in GMINA_ROLES:
        from mozaika.errors import FieldError, ValidationFailed

        raise ValidationFailed(
            "A gmina admin grants gmina roles only.", errors=[FieldError("role", "not a gmina role")]
        )
    role_grant(username=payload.username, role=payload.role, scope=teryt, actor=actor_for(request, decision))
    return Status(201, MemberOut(username=payload.username, role=payload.role))


@router.delete(
    "/gminas/{teryt}/members/{username}/{role}",
    operation_id="removeGminaMember",
    response={204: None},
    summary="Remove a gmina role",
)
def remove_member(request: HttpRequest, username: str, role: Role, teryt: str = GminaTerytPath) -> Status[None]:
    decision = authorize_gmina(principal=principal_of(request), teryt=teryt, action=Action.MEMBERS_MANAGE)
    if role not in GMINA_ROLES:
        raise NotFound(f"{role.value} is not a gmina role.")
    role_revoke(username=username, role=role, scope=teryt, actor=actor_for(request, decision))
    return Status(204, None)


@router.get("/clients", operation_id="listApiClients", response=list[ClientOut], summary="API clients (operator)")
def list_clients(request: HttpRequest) -> list[ApiClient]:
    authorize_platform(principal=principal_of(request), action=Action.CLIENTS_MANAGE)
    return list(ApiClient.objects.order_by("name"))


@router.post(
    "/clients",
    operation_id="createApiClient",
    response={201: ClientSecretOut},
    summary="Create an API client; its secret is shown once",
)
def create_client(request: HttpRequest, payload: ClientIn) -> Status[ClientSecretOut]:
    decision = authorize_platform(principal=principal_of(request), action=Action.CLIENTS_MANAGE)
    client, secret = api_client_create(
        name=payload.name,
        scopes=payload.scopes,
        voivodeships=payload.voivodeships,
        actor=actor_for(request, decision),
    )
    return Status(201, ClientSecretOut(client_id=client.pk, secret=secret))


@router.post(
    "/clients/{client_id}/secrets",
    operation_id="rotateApiClientSecret",
    response={201: ClientSecretOut},
    summary="Rotate a client's secret",
)
def rotate_client_secret(request: HttpRequest, client_id: int) -> Status[ClientSecretOut]:
    decision = authorize_platform(principal=principal_of(request), action=Action.CLIENTS_MANAGE)
    secret = api_client_rotate(client_id=client_id, actor=actor_for(request, decision))
    return Status(201, ClientSecretOut(client_id=client_id, secret=secret))


@router.delete(
    "/clients/{client_id}/secrets/{secret_id}",
    operation_id="revokeApiClientSecret",
    response={204: None},
    summary="Revoke one secret",
)
def revoke_client_secret(request: HttpRequest, client_id: int, secret_id: int) -> Status[None]:
    decision = authorize_platform(principal=principal_of(request), action=Action.CLIENTS_MANAGE)
    api_client_secret_revoke(client_id=client_id, secret_id=secret_id, actor=actor_for(request, decision))
    return Status(204, None)


@router.delete(
    "/clients/{client_id}", operation_id="deactivateApiClient", response={204: None}, summary="Deactivate an API client"
)
def deactivate_client(request: HttpRequest, client_id: int) -> Status[None]:
    decision = authorize_platform(principal=principal_of(request), action=Action.CLIENTS_MANAGE)
    api_client_deactivate(client_id=client_id, actor=actor_for(request, decision))
    return Status(204, None)
