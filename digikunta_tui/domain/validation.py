"""Validation for forms and the import: readable, translated messages instead of exceptions.

``validate_record`` checks a whole record's fields and returns them normalised (JSON-ready, as
docs/records.md stores them); ``validate_field`` and ``normalise_field`` serve as-you-type form
checks. Pydantic's own texts never reach users: every error is mapped to a catalogue message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from digikunta_tui.domain.models import MODELS, WebinarStatus
from digikunta_tui.i18n import t

RECORD_ERROR = "_record"
"""Error key for a problem that concerns no single field."""

KIND_FIELDS: dict[str, list[str]] = {
    kind: list(model.model_fields) for kind, model in MODELS.items()
}
"""Record kind → its field names in the order a form shows them."""

REQUIRED: dict[str, set[str]] = {
    kind: {name for name, info in model.model_fields.items() if info.is_required()}
    for kind, model in MODELS.items()
}
"""Record kind → the names of its required fields."""

# Pydantic's error types → our catalogue keys (our own rules already use catalogue keys).
_PYDANTIC_KEYS: dict[str, str] = {
    "missing": "validation.required",
    "string_too_short": "validation.required",
    "extra_forbidden": "validation.unknown_field",
    "enum": "validation.choice",
    "literal_error": "validation.choice",
    "string_too_long": "validation.too_long",
    "too_long": "validation.too_many",
    "string_type": "validation.text",
    "int_parsing": "validation.integer",
    "int_type": "validation.integer",
    "int_from_float": "validation.integer",
    "greater_than": "validation.greater_than",
    "greater_than_equal": "validation.at_least",
    "less_than_equal": "validation.at_most",
    "list_type": "validation.list",
    "model_type": "validation.object",
    "model_attributes_type": "validation.object",
    "dict_type": "validation.object",
    "bool_parsing": "validation.boolean",
    "bool_type": "validation.boolean",
}


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of validating one record's fields."""

    ok: bool
    """True when the fields are valid."""
    fields: dict[str, Any] = field(default_factory=dict)
    """The normalised, JSON-ready fields (only when ``ok``)."""
    errors: dict[str, str] = field(default_factory=dict)
    """Field name → one readable message in the current language (only when not ``ok``)."""


def error_message(error: ErrorDetails) -> str:
    """Return the translated message of one pydantic error (never pydantic's own text)."""
    kind = error["type"]
    key = kind if kind.startswith("validation.") else _PYDANTIC_KEYS.get(kind, "validation.invalid")
    params = {name: str(value) for name, value in (error.get("ctx") or {}).items()}
    return t(key, **params)


def _located_message(error: ErrorDetails, inner_loc: tuple[int | str, ...]) -> str:
    """Prefix the message with the item number when the error is inside a list item."""
    message = error_message(error)
    index = next((part for part in inner_loc if isinstance(part, int)), None)
    if index is None:
        return message
    return t("validation.item", number=index + 1, message=message)


def errors_by_field(exc: ValidationError) -> dict[str, str]:
    """Map a pydantic ``ValidationError`` to field name → the first translated message."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error["loc"]
        if loc:
            name, inner = str(loc[0]), loc[1:]
        else:
            context = error.get("ctx") or {}
            name, inner = str(context.get("field", RECORD_ERROR)), ()
        errors.setdefault(name, _located_message(error, inner))
    return errors


def check_attendance_allowed(webinar_status: str | None) -> str | None:
    """Return why attended minutes may not be recorded for a webinar in this status, or None.

    Attendance is recorded only once the webinar is ``held``; the repository calls this with
    the status of the registration's webinar.
    """
    if webinar_status == WebinarStatus.HELD:
        return None
    return t("validation.attendance_not_held")


def validate_record(
    kind: str, fields: Mapping[str, Any], *, context: Mapping[str, Any] | None = None
) -> ValidationResult:
    """Validate (strictly: unknown fields are errors) and normalise a record's fields.

    Blank strings and ``None`` count as absent. Record-level errors are reported under the field
    they concern (an end date before the start under ``"end"``).

    Args:
        kind: the record kind (``"person"``, ``"webinar"`` …).
        fields: field name → value, as a form or an import file gives them.
        context: facts from other records; ``{"webinar_status": status}`` makes a registration's
            ``attended_minutes`` an error unless the status is ``held``.

    Returns:
        A ``ValidationResult`` with normalised fields or with messages in the current language.
    """
    model = MODELS.get(kind)
    if model is None:
        return ValidationResult(ok=False, errors={"kind": t("validation.unknown_kind", kind=kind)})
    if not isinstance(fields, Mapping):
        return ValidationResult(ok=False, errors={RECORD_ERROR: t("validation.object")})
    try:
        instance = model.model_validate(dict(fields))
    except ValidationError as exc:
        return ValidationResult(ok=False, errors=errors_by_field(exc))
    normalised = instance.to_fields()
    if (
        kind == "registration"
        and "attended_minutes" in normalised
        and context is not None
        and "webinar_status" in context
    ):
        message = check_attendance_allowed(context["webinar_status"])
        if message is not None:
            return ValidationResult(ok=False, errors={"attended_minutes": message})
    return ValidationResult(ok=True, fields=normalised)


@cache
def _field_adapter(kind: str, name: str) -> TypeAdapter[Any]:
    """Build (once) a validator for one field of one kind, with the models' string handling."""
    info = MODELS[kind].model_fields[name]
    annotation: Any = (
        Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    )
    return TypeAdapter(annotation, config=ConfigDict(str_strip_whitespace=True))


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def validate_field(kind: str, field_name: str, value: Any) -> str | None:
    """Check one form field as the user types: a message in the current language, or None.

    Rules between fields (an end before the start) need ``validate_record``.
    """
    if field_name not in KIND_FIELDS.get(kind, ()):
        return t("validation.unknown_field")
    if _is_blank(value):
        return t("validation.required") if field_name in REQUIRED[kind] else None
    try:
        _field_adapter(kind, field_name).validate_python(value)
    except ValidationError as exc:
        error = exc.errors()[0]
        return _located_message(error, error["loc"])
    return None


def normalise_field(kind: str, field_name: str, value: Any) -> Any:
    """Return one field's value as it will be stored (``"040 123 4567"`` → ``"+358401234567"``).

    Blank input gives ``None``; a value that does not validate (or an unknown field) is returned
    unchanged so that a form can keep showing what the user typed.
    """
    if _is_blank(value):
        return None
    if field_name not in KIND_FIELDS.get(kind, ()):
        return value
    adapter = _field_adapter(kind, field_name)
    try:
        return adapter.dump_python(adapter.validate_python(value), mode="json", exclude_none=True)
    except ValidationError:
        return value


def field_label(kind: str, field_name: str) -> str:
    """Return the translated label of a field, e.g. ``field.person.email`` → "Sähköposti"."""
    return t(f"field.{kind}.{field_name}")


def choice_key(value: StrEnum) -> str:
    """Return the catalogue key of an enum value: ``Role.STAFF`` → ``"choice.role.staff"``."""
    enum_name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(value).__name__).lower()
    return f"choice.{enum_name}.{value.value}"


def choice_label(value: StrEnum) -> str:
    """Return the translated label of an enum value, e.g. ``WebinarStatus.HELD`` → "Pidetty"."""
    return t(choice_key(value))
