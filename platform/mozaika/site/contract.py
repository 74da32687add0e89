"""The published contract (`docs/openapi-v1.json`) and what would break a client built on it.

A generated client breaks when an operation it calls is gone or renamed, a field it reads is
gone or changes type, a value it sends or reads leaves an enum, or a request needs something it
does not send. Additions (operations, optional fields, statuses) break nothing. Breaking changes
are allowed only with a new major version in `info.version`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONTRACT_PATH = Path(__file__).resolve().parents[3] / "docs" / "openapi-v1.json"
_METHODS = ("get", "post", "put", "patch", "delete")
_MAX_DEPTH = 12  # schemas nest a few levels; recursive ones stop here


def contract_text(document: dict[str, Any]) -> str:
    """The stored form: stable key order, so a diff in review shows only what changed."""
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def major_version(document: dict[str, Any]) -> str:
    return str(document["info"]["version"]).split(".")[0]


class _Walk:
    def __init__(self, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> None:
        self.old_doc, self.new_doc = old_doc, new_doc
        self.changes: list[str] = []

    @staticmethod
    def _resolved(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = doc
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def _members(self, doc: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
        """A schema as the alternatives it allows (anyOf/oneOf flattened, a one-member allOf, as
        pydantic writes a referenced enum with a default, unwrapped, references followed)."""
        schema = self._resolved(doc, schema)
        if depth > _MAX_DEPTH:
            return [schema]
        alternatives = schema.get("anyOf") or schema.get("oneOf")
        if alternatives:
            return [m for alt in alternatives for m in self._members(doc, alt, depth + 1)]
        if len(schema.get("allOf", [])) == 1:
            return self._members(doc, schema["allOf"][0], depth + 1)
        return [schema]

    @staticmethod
    def _types(members: list[dict[str, Any]]) -> set[str]:
        types: set[str] = set()
        for member in members:
            declared = member.get("type")
            if declared is None and not ("enum" in member or "const" in member):
                return set()  # anything goes: no type to narrow
            types.update(declared if isinstance(declared, list) else [declared] if declared else [])
        return types

    def schema(self, old: dict[str, Any], new: dict[str, Any], where: str, *, request: bool, depth: int = 0) -> None:
        """What breaks a client in a changed schema. A request breaks when it accepts less (a type
        or enum value gone, a field now required); an answer when it gives what a client does not
        expect (a new type or enum value: generated clients refuse unknown ones, a field gone or
        no longer always there)."""
        if depth > _MAX_DEPTH:
            return
        old_members, new_members = self._members(self.old_doc, old), self._members(self.new_doc, new)
        old_types, new_types = self._types(old_members), self._types(new_members)
        accepted, given = (old_types, new_types) if request else (new_types, old_types)
        if accepted and given and not accepted <= given and not ("integer" in accepted - given and "number" in given):
            change = "narrowed" if request else "widened"
            self.changes.append(f"{where}: type {change} from {sorted(old_types)} to {sorted(new_types)}")
        old_enum, new_enum = self._enum(old_members), self._enum(new_members)
        if old_enum and new_enum and request and old_enum - new_enum:
            self.changes.append(f"{where}: enum value(s) removed: {', '.join(sorted(old_enum - new_enum))}")
        if old_enum and new_enum and not request and new_enum - old_enum:
            self.changes.append(f"{where}: new enum value(s) in an answer: {', '.join(sorted(new_enum - old_enum))}")
        old_object = next((m for m in old_members if "properties" in m), None)
        new_object = next((m for m in new_members if "properties" in m), None)
        if old_object is not None and new_object is not None:
            self._object(old_object, new_object, where, request=request, depth=depth)
        for key, suffix in (("items", "[]"), ("additionalProperties", "{}")):
            old_inner = next((m[key] for m in old_members if isinstance(m.get(key), dict)), None)
            new_inner = next((m[key] for m in new_members if isinstance(m.get(key), dict)), None)
            if old_inner is not None and new_inner is not None:
                self.schema(old_inner, new_inner, f"{where}{suffix}", request=request, depth=depth + 1)

    @staticmethod
    def _enum(members: list[dict[str, Any]]) -> set[str]:
        return {json.dumps(v) for m in members for v in m.get("enum", [m["const"]] if "const" in m else [])}

    def _object(self, old: dict[str, Any], new: dict[str, Any], where: str, *, request: bool, depth: int) -> None:
        for name, old_field in old["properties"].items():
            new_field = new["properties"].get(name)
            if new_field is None:
                if not request:  # a field the client reads is gone (one it sent is now ignored)
                    self.changes.append(f"{where}.{name}: field removed")
                continue
            self.schema(old_field, new_field, f"{where}.{name}", request=request, depth=depth + 1)
        if request:
            for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
                self.changes.append(f"{where}.{name}: now required")
        else:
            for name in sorted(set(old.get("required", [])) - set(new.get("required", []))):
                if name in new["properties"]:
                    self.changes.append(f"{where}.{name}: no longer always in the answer")

    def operation(self, old: dict[str, Any], new: dict[str, Any], where: str) -> None:
        if old.get("operationId") != new.get("operationId"):
            self.changes.append(f"{where}: operationId {old.get('operationId')} renamed {new.get('operationId')}")
        old_params = {(p["in"], p["name"]): p for p in old.get("parameters", [])}
        new_params = {(p["in"], p["name"]): p for p in new.get("parameters", [])}
        for key, parameter in new_params.items():
            if parameter.get("required") and not old_params.get(key, {}).get("required"):
                self.changes.append(f"{where}: parameter {key[1]} ({key[0]}) now required")
        for key, parameter in old_params.items():
            if key in new_params:
                self.schema(parameter.get("schema", {}), new_params[key].get("schema", {}),
                            f"{where} parameter {key[1]}", request=True)  # fmt: skip
        old_body = old.get("requestBody", {}).get("content", {})
        new_body = new.get("requestBody", {}).get("content", {})
        if new.get("requestBody", {}).get("required") and not old.get("requestBody", {}).get("required"):
            self.changes.append(f"{where}: a body is now required")
        for media, content in old_body.items():
            if media not in new_body:
                self.changes.append(f"{where}: no longer takes {media}")
            else:
                self.schema(content.get("schema", {}), new_body[media].get("schema", {}), f"{where} body",
                            request=True)  # fmt: skip
        for status, response in old.get("responses", {}).items():
            if not str(status).startswith("2"):
                continue
            new_response = new.get("responses", {}).get(status)
            if new_response is None:
                self.changes.append(f"{where}: answer {status} removed")
                continue
            for media, content in response.get("content", {}).items():
                new_content = new_response.get("content", {}).get(media)
                if new_content is None:
                    self.changes.append(f"{where} {status}: no longer answers {media}")
                else:
                    self.schema(content.get("schema", {}), new_content.get("schema", {}), f"{where} {status}",
                                request=False)  # fmt: skip


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in `new` breaks a client written against `old`, one line each. Error answers share
    the problem schema: its codes are compared as an answer's."""
    walk = _Walk(old, new)
    problem = "#/components/schemas/Problem"
    if all("Problem" in document.get("components", {}).get("schemas", {}) for document in (old, new)):
        walk.schema({"$ref": problem}, {"$ref": problem}, "problem", request=False)
    for path, methods in old["paths"].items():
        for method in _METHODS:
            if method not in methods:
                continue
            where = f"{method.upper()} {path}"
            new_operation = new["paths"].get(path, {}).get(method)
            if new_operation is None:
                walk.changes.append(f"{where}: operation removed")
            else:
                walk.operation(methods[method], new_operation, where)
    return walk.changes
