"""Validate the emulator's traffic against Discord's official OpenAPI 3.1 description.

Every JSON body the bot sends and every JSON answer the emulator gives is checked against the
operation's schema.  Problems become :class:`SpecViolation` entries (never exceptions), so a test
can assert ``emu.spec_violations == []`` while the server itself keeps running.

The spec is not part of this repository: by default it is looked up at
``<repo root>/../shared/discord-api-spec/openapi.json`` (override with the
``DISCORD_OPENAPI_SPEC`` environment variable or ``spec_path=``).  ``jsonschema`` is a test-only
dependency, so it is imported lazily; without it validation is disabled with one log line.

Known quirks of the spec and how they are normalised (all deliberate, see the upstream README):

* ``SnowflakeType`` is a decimal *string*, but discord.py sends some ids in request bodies as JSON
  integers (e.g. ``recipient_id``), which Discord accepts.  Request bodies therefore accept a
  non-negative integer wherever a snowflake is expected; our own answers must use strings.
* Optional fields are often typed non-nullable although Discord sends and accepts ``null`` for
  "not set".  A ``null`` value of a property that is *not* listed in ``required`` is treated as if
  the property were absent.
* Field errors inside a 50035 ``errors`` tree carry *string* codes (``"BASE_TYPE_MAX_LENGTH"``,
  as Discord's docs show) but the spec's ``Error.code`` is an integer; inside ``InnerErrors``
  a string code is accepted.
* ``oneOf`` is used for unions whose alternatives overlap (and ``anyOf`` is documented to mean
  "exactly one").  We check that a value fits at least one alternative, i.e. ``oneOf`` is evaluated
  like ``anyOf``; otherwise a perfectly valid payload that happens to fit two variants is flagged.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SPEC_ENV_VAR = "DISCORD_OPENAPI_SPEC"
_REQUEST_URI = "urn:discord-openapi:request"
_RESPONSE_URI = "urn:discord-openapi:response"


def repo_root() -> Path:
    """The repository root (this file lives at ``discord_emulator/openapi.py``)."""
    return Path(__file__).resolve().parents[1]


def default_spec_path() -> Path | None:
    """Where the shared spec lives, or ``None`` when it is not on this machine."""
    env = os.environ.get(SPEC_ENV_VAR)
    candidates = [Path(env)] if env else []
    candidates.append(repo_root().parent / "shared" / "discord-api-spec" / "openapi.json")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


# Bodies already validated, per compiled validator (validators are cached for the process).
_VALID_BODIES: set[tuple[object, ...]] = set()


def _without_ids(value: Any) -> Any:
    """The body with snowflakes and versions blanked: two command lists that differ only in the
    ids the emulator gave them have the same shape. Ids are still checked the first time."""
    if isinstance(value, dict):
        return {
            k: (
                "0"
                if (k == "id" or k.endswith("_id") or k == "version") and isinstance(v, (str, int))
                else _without_ids(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


class SpecViolation(str):
    """A readable violation string that also keeps its parts for programmatic checks."""

    method: str
    path: str
    where: str
    message: str

    def __new__(cls, method: str, path: str, where: str, message: str) -> SpecViolation:
        self = super().__new__(cls, f"{method} {path} [{where}]: {message}")
        self.method = method
        self.path = path
        self.where = where
        self.message = message
        return self


@dataclass
class _Operation:
    method: str
    template: str
    raw: dict[str, Any]
    # (where, status) -> compiled validator or None when the operation has no JSON schema there
    validators: dict[tuple[str, str], Any] = field(default_factory=dict)


def _path_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{pattern}$")


class _LoadedSpec:
    """The parsed spec plus everything derived from it; one per file per process."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self._lock = threading.Lock()
        self._matchers: list[tuple[re.Pattern[str], str]] = []
        for template in raw.get("paths", {}):
            self._matchers.append((_path_regex(template), template))
        # Prefer the most literal template: "/users/@me" must win over "/users/{user_id}" and
        # ".../messages/@original" over ".../messages/{message_id}".
        self._matchers.sort(key=lambda m: (-_literal_segments(m[1]), m[1]))
        self._operations: dict[tuple[str, str], _Operation] = {}
        self._validator_cls: Any = None
        self._registry: Any = None

    def find_operation(self, method: str, path: str) -> _Operation | None:
        method = method.lower()
        for regex, template in self._matchers:
            if not regex.match(path):
                continue
            item = self.raw["paths"][template]
            if method not in item:
                continue
            key = (method, template)
            with self._lock:
                op = self._operations.get(key)
                if op is None:
                    op = self._operations[key] = _Operation(method, template, item[method])
            return op
        return None

    # -- schema compilation ---------------------------------------------------------------

    def _ensure_registry(self) -> bool:
        if self._registry is not None:
            return True
        try:
            import jsonschema
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError:
            log.warning("jsonschema/referencing not installed: OpenAPI validation is disabled")
            return False

        request_spec = _with_quirks(self.raw, lenient_snowflakes=True)
        response_spec = _with_quirks(self.raw, lenient_snowflakes=False)
        registry = Registry().with_resources(
            [
                (_REQUEST_URI, Resource.from_contents(request_spec, default_specification=DRAFT202012)),
                (_RESPONSE_URI, Resource.from_contents(response_spec, default_specification=DRAFT202012)),
            ]
        )
        self._validator_cls = _make_validator_class(jsonschema)
        self._registry = registry
        return True

    def validator_for(self, op: _Operation, where: str, status: str) -> Any:
        """Compile (once) the validator for a request body or a response with ``status``."""
        key = (where, status)
        with self._lock:
            if key in op.validators:
                return op.validators[key]
        schema = self._schema_pointer(op, where, status)
        validator = None
        if schema is not None and self._ensure_registry():
            base = _REQUEST_URI if where == "request" else _RESPONSE_URI
            validator = self._validator_cls({"$ref": f"{base}#{schema}"}, registry=self._registry)
        with self._lock:
            op.validators[key] = validator
        return validator

    def _schema_pointer(self, op: _Operation, where: str, status: str) -> str | None:
        """A JSON pointer (inside the spec) to the schema, or ``None`` if there is none."""
        base = f"/paths/{_escape(op.template)}/{op.method}"
        if where == "request":
            body = op.raw.get("requestBody")
            if body and "application/json" in body.get("content", {}):
                return f"{base}/requestBody/content/application~1json/schema"
            return None
        responses = op.raw.get("responses", {})
        for candidate in (status, f"{status[0]}XX", "default"):
            if candidate in responses:
                response = responses[candidate]
                pointer = f"{base}/responses/{candidate}"
                if "$ref" in response:
                    pointer = response["$ref"].lstrip("#")
                    response = self._resolve_pointer(pointer)
                if "application/json" in response.get("content", {}):
                    return f"{pointer}/content/application~1json/schema"
                return None
        return None

    def _resolve_pointer(self, pointer: str) -> dict[str, Any]:
        node: Any = self.raw
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        found: dict[str, Any] = node
        return found

    def has_status(self, op: _Operation, status: str) -> bool:
        responses = op.raw.get("responses", {})
        return any(c in responses for c in (status, f"{status[0]}XX", "default"))


def _deepest(error: Any) -> Any:
    """For a failed anyOf/oneOf, the alternative's error that got furthest into the body.

    With unions discriminated by ``type`` the deepest error is nearly always the real problem
    (``data/content`` too long) rather than "matches none of the 7 alternatives".
    """
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator not in ("type", "enum", "const")))
    return error


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _literal_segments(template: str) -> int:
    return sum(1 for seg in template.split("/") if seg and not seg.startswith("{"))


def _escape(template: str) -> str:
    return template.replace("~", "~0").replace("/", "~1")


def _with_quirks(raw: dict[str, Any], *, lenient_snowflakes: bool) -> dict[str, Any]:
    """A shallow copy of the spec with the schema fixes described in the module docstring."""
    schemas = dict(raw["components"]["schemas"])
    if lenient_snowflakes:
        schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}
    inner = dict(schemas["InnerErrors"])
    inner["properties"] = {
        "_errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"code": {"type": ["integer", "string"]}, "message": {"type": "string"}},
                "required": ["code", "message"],
            },
        }
    }
    schemas["InnerErrors"] = inner
    components = dict(raw["components"])
    components["schemas"] = schemas
    copy = dict(raw)
    copy["components"] = components
    return copy


def _make_validator_class(jsonschema: Any) -> Any:
    """Draft 2020-12 with the two normalisations described in the module docstring."""
    from jsonschema import _keywords  # type: ignore[attr-defined,unused-ignore]

    base = jsonschema.Draft202012Validator

    def properties(validator: Any, props: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        required = set(schema.get("required", ()))
        for name, subschema in props.items():
            if name not in instance:
                continue
            if instance[name] is None and name not in required:
                continue  # "nullable optional": null means "not set"
            yield from validator.descend(instance[name], subschema, path=name, schema_path=name)

    def one_of(validator: Any, subschemas: list[Any], instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        yield from _keywords.anyOf(validator, subschemas, instance, schema)

    validators = dict(base.VALIDATORS)
    validators["properties"] = properties
    validators["oneOf"] = one_of
    return jsonschema.validators.create(
        meta_schema=base.META_SCHEMA,
        validators=validators,
        type_checker=base.TYPE_CHECKER,
        format_checker=base.FORMAT_CHECKER,
        version="discord-openapi",
    )


_SPECS: dict[Path, _LoadedSpec] = {}
_SPECS_LOCK = threading.Lock()


def load_spec(path: Path) -> _LoadedSpec:
    """Parse the spec once per process (json.load takes ~25 ms; validators compile lazily)."""
    path = path.resolve()
    with _SPECS_LOCK:
        spec = _SPECS.get(path)
        if spec is None:
            with path.open("rb") as fh:
                spec = _SPECS[path] = _LoadedSpec(json.load(fh))
        return spec


class OpenAPIValidator:
    """Checks request and response bodies for one emulator; appends to ``sink``."""

    def __init__(self, spec_path: Path | str | None, sink: Callable[[SpecViolation], None]) -> None:
        self._sink = sink
        self._spec: _LoadedSpec | None = None
        path = Path(spec_path) if spec_path is not None else None
        if path is not None and path.is_file():
            self._spec = load_spec(path)
        elif path is not None:
            log.warning("OpenAPI spec %s not found: validation disabled", path)

    @property
    def enabled(self) -> bool:
        return self._spec is not None

    def check_request(self, method: str, path: str, body: Any) -> list[SpecViolation]:
        return self._check(method, path, "request", "", body)

    def check_response(self, method: str, path: str, status: int, body: Any) -> list[SpecViolation]:
        return self._check(method, path, "response", str(status), body)

    def _check(self, method: str, path: str, where: str, status: str, body: Any) -> list[SpecViolation]:
        if self._spec is None:
            return []
        try:
            return self._validate(method, path, where, status, body)
        except Exception as exc:  # the emulator must keep serving even if the spec trips jsonschema
            log.exception("OpenAPI validation crashed for %s %s", method, path)
            return self._emit([SpecViolation(method, path, where, f"validator error: {exc!r}")])

    def _validate(self, method: str, path: str, where: str, status: str, body: Any) -> list[SpecViolation]:
        assert self._spec is not None
        op = self._spec.find_operation(method, path)
        if op is None:
            return self._emit([SpecViolation(method, path, where, "no such operation in the spec")])
        if where == "response" and not self._spec.has_status(op, status):
            return self._emit([SpecViolation(method, path, f"response {status}", "status not documented")])
        validator = self._spec.validator_for(op, where, status)
        if validator is None:
            return []
        from jsonschema.exceptions import best_match

        # Bots send the same large bodies again and again (the command list at every start):
        # a body already found valid for an operation is not walked through the schema again.
        try:
            fingerprint: tuple[object, ...] | None = (
                method,
                op.template,
                where,
                status,
                json.dumps(_without_ids(body), sort_keys=True),
            )
        except (TypeError, ValueError):
            fingerprint = None
        if fingerprint is not None and fingerprint in _VALID_BODIES:
            return []
        errors = list(validator.iter_errors(body))
        if not errors:
            if fingerprint is not None and len(_VALID_BODIES) < 10_000:
                _VALID_BODIES.add(fingerprint)
            return []
        best = _deepest(best_match(errors))
        location = "/".join(str(p) for p in best.absolute_path) or "<body>"
        message = best.message
        if len(message) > 200:
            # jsonschema quotes the whole offending value; keep the line readable.
            message = f"{_short(best.instance)} fails {best.validator}={_short(best.validator_value)}"
        label = where if where == "request" else f"response {status}"
        extra = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return self._emit([SpecViolation(method, path, label, f"{location}: {message}{extra}")])

    def _emit(self, violations: list[SpecViolation]) -> list[SpecViolation]:
        for violation in violations:
            log.warning("OpenAPI violation: %s", violation)
            self._sink(violation)
        return violations
