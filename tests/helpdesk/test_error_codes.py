"""A service's refusal keeps its code through the API (helpdesk.exceptions.api_exception_handler): a
400 whose every message carries one code of its own answers with that code; field validation, or a
mix, stays `invalid`. And no service raises a Django ValidationError whose code Django drops."""

import ast
from pathlib import Path

from django.core.exceptions import ValidationError
from rest_framework import serializers

from helpdesk.exceptions import api_exception_handler

ROOT = Path(__file__).resolve().parents[2]


def _answer(exc) -> dict:
    response = api_exception_handler(exc, {})
    assert response.status_code == 400
    return response.data


def test_a_service_refusal_keeps_its_code_with_or_without_a_field():
    whole = _answer(ValidationError("Ticket #1 was merged into #2.", code="ticket_merged"))
    assert whole == {
        "code": "ticket_merged",
        "detail": "Ticket #1 was merged into #2.",
        "errors": {"non_field_errors": ["Ticket #1 was merged into #2."]},
    }
    field = _answer(ValidationError({"root_cause": ValidationError("Choose one.", code="root_cause_required")}))
    assert (field["code"], field["errors"]) == ("root_cause_required", {"root_cause": ["Choose one."]})


def test_field_validation_and_mixed_refusals_stay_invalid():
    assert _answer(ValidationError("Bad.", code="max_length"))["code"] == "invalid"
    assert _answer(ValidationError({"a": ValidationError("Required.", code="required")}))["code"] == "invalid"
    assert _answer(ValidationError("No code."))["code"] == "invalid"
    mixed = ValidationError({"a": ValidationError("One.", code="phone_shared"), "b": ValidationError("Two.", code="x")})
    assert _answer(mixed)["code"] == "invalid"
    drf = serializers.ValidationError({"subject": [serializers.ErrorDetail("Blank.", code="blank")]})
    assert _answer(drf)["code"] == "invalid"
    assert _answer(serializers.ValidationError({"otp": ["Wrong."]}, code="invalid_otp"))["code"] == "invalid_otp"


def _dropped_codes(path: Path) -> list[str]:
    """`ValidationError({...}, code=...)` or `ValidationError([...], code=...)`: Django keeps no code for
    a dict or a list of messages (each message needs its own ValidationError(message, code=...))."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        owner = getattr(node.func, "value", None)
        drf = isinstance(owner, ast.Name) and owner.id in {"serializers", "exceptions"}  # DRF keeps it
        literal = isinstance(node.args[0], (ast.Dict, ast.List, ast.DictComp, ast.ListComp))
        if name == "ValidationError" and not drf and literal and any(k.arg == "code" for k in node.keywords):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_django_validation_error_drops_its_code():
    drf_imports = "from rest_framework.exceptions import"
    paths = [
        path
        for package in ("helpdesk", "customers", "knowledgebase", "tickets")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and drf_imports not in path.read_text()
    ]
    assert [where for path in paths for where in _dropped_codes(path)] == []
