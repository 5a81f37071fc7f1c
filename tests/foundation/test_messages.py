"""The message catalogue speaks the seed's words exactly, once, with the seed's fixes."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from vismadesk import messages
from vismadesk.domain import Level
from vismadesk.messages import CATALOGUE, FIX_LABELS, FixAction, Message

# OutSmart's "Troubleshoot VISMA.net" page, word for word, with its own X and Y.
SEED_ERRORS: list[tuple[Message, dict[str, str], str]] = [
    (
        messages.MATERIAL_NOT_IN_VISMA,
        {"material": "X", "work_order": "Y"},
        "Material X on work order Y not found in VISMA.net",
    ),
    (
        messages.RELATION_NOT_IN_VISMA,
        {"relation": "X", "work_order": "Y"},
        "Relation X on work order Y not found in VISMA.net",
    ),
    (
        messages.RELATION_NOT_IN_OUTSMART,
        {"relation": "X", "work_order": "Y"},
        "Work order Y relation X does not exist in OutSmart",
    ),
    (
        messages.QUANTITY_NOT_POSITIVE,
        {"material": "X"},
        "The quantity of material X has to be greater than 0",
    ),
    (
        messages.EXPORT_FORMAT_MISSING,
        {},
        "Please specify whether to send the work order as a sales order or a sales invoice",
    ),
    (
        messages.TOKEN_REFRESH_FAILED,
        {},
        "Error refreshing API token. Unable to access API",
    ),
    (
        messages.TOKEN_INVALID,
        {},
        "API token invalid. Please reauthenticate",
    ),
    (
        messages.CUSTOMER_CREATE_FAILED,
        {},
        "Error creating customer in VISMA.net",
    ),
]

# The seed's fix for each message, in phrases the hint must carry.
SEED_FIXES: dict[str, tuple[list[str], FixAction | None]] = {
    "material_not_in_visma": (
        ["Turn on New material", "material codes match in both systems"],
        FixAction.ENABLE_NEW_MATERIAL,
    ),
    "relation_not_in_visma": (
        ["Turn on New relation", "import the customer from VISMA.net first"],
        FixAction.ENABLE_NEW_RELATION,
    ),
    "relation_not_in_outsmart": (
        ["Make sure the correct customer is linked to the work order"],
        FixAction.RESET_STATUS,
    ),
    "quantity_not_positive": (
        ["Change the quantity to a value greater than zero"],
        FixAction.RESET_STATUS,
    ),
    "export_format_missing": (
        ["choose Sales order or Sales invoice, and save"],
        FixAction.CHOOSE_EXPORT_FORMAT,
    ),
    "token_refresh_failed": (
        ["Disconnect the integration and connect it again through the VISMA.net login page"],
        FixAction.RECONNECT,
    ),
    "token_invalid": (["Click Login", "sign in again"], FixAction.LOGIN),
    "customer_create_failed": (
        ["Read the full error details", "such as name and address"],
        FixAction.RESET_STATUS,
    ),
}


@pytest.mark.parametrize(
    ("message", "values", "expected"), SEED_ERRORS, ids=[m.code for m, _, _ in SEED_ERRORS]
)
def test_each_seed_error_renders_word_for_word(
    message: Message, values: dict[str, str], expected: str
) -> None:
    assert message.render(**values) == expected
    assert message.level is Level.ERROR
    assert message.from_seed


def test_niks_te_importeren_exporteren_is_a_success_not_an_error() -> None:
    msg = messages.NOTHING_TO_DO
    assert msg.render() == "Niks te importeren/exporteren"
    assert msg.level is Level.SUCCESS
    assert msg.fix is None
    assert "Not an error" in msg.hint


def test_the_seed_messages_are_exactly_the_seed_texts() -> None:
    rendered = {
        m.render(**{f: {"material": "X", "relation": "X"}.get(f, "Y") for f in m.fields})
        for m in messages.seed_messages()
    }
    assert rendered == {expected for _, _, expected in SEED_ERRORS} | {
        "Niks te importeren/exporteren"
    }


@pytest.mark.parametrize("code", sorted(SEED_FIXES))
def test_each_seed_message_carries_the_seed_fix(code: str) -> None:
    phrases, fix = SEED_FIXES[code]
    msg = messages.get(code)
    for phrase in phrases:
        assert phrase in msg.hint, (code, phrase)
    assert msg.fix == fix


def test_codes_are_unique_and_stable() -> None:
    assert all(code == m.code for code, m in CATALOGUE.items())
    assert len({m.code for m in CATALOGUE.values()}) == len(CATALOGUE)
    assert len({m.text for m in CATALOGUE.values()}) == len(CATALOGUE)
    with pytest.raises(ValueError, match="duplicate message code token_invalid"):
        messages._m("token_invalid", "Another text", "Another hint")
    assert messages.get("token_invalid") is messages.TOKEN_INVALID


def test_every_message_has_a_hint_and_its_placeholders_are_named() -> None:
    for m in CATALOGUE.values():
        assert m.text.strip() and m.hint.strip(), m.code
        assert all(f.isidentifier() for f in m.fields), m.code
        # Rendering with every field filled leaves no braces behind.
        out = m.render(**dict.fromkeys(m.fields, "V"))
        assert "{" not in out and "}" not in out, m.code


def test_the_engines_own_messages_exist() -> None:
    for code in (
        "material_create_failed",
        "hour_type_not_in_visma",
        "outsmart_token_rejected",
        "network_unreachable",
        "rate_limited",
        "timeout",
        "keyring_unavailable",
    ):
        assert messages.get(code).level is Level.ERROR, code
    assert messages.HOUR_TYPE_NOT_IN_VISMA.render(hour_type="X", work_order="Y") == (
        "Hour type X on work order Y not found in VISMA.net"
    )
    assert messages.NETWORK_UNREACHABLE.render(service="VISMA.net") == (
        "Cannot reach VISMA.net. Check the internet connection"
    )


def test_a_missing_placeholder_is_an_error_not_a_half_message() -> None:
    with pytest.raises(KeyError, match="material_not_in_visma"):
        messages.MATERIAL_NOT_IN_VISMA.render(material="M-1")


def test_every_fix_action_has_a_label() -> None:
    assert set(FIX_LABELS) == set(FixAction)
    assert all(label.strip() for label in FIX_LABELS.values())
    used = {m.fix for m in CATALOGUE.values() if m.fix}
    assert used <= set(FixAction)


def _literal_parts(text: str) -> list[str]:
    return [lit for lit, *_ in string.Formatter().parse(text) if len(lit.strip()) >= 12]


def _string_constants(source: str) -> list[str]:
    """String literals a module could show a user; docstrings only describe, so skip them."""
    tree = ast.parse(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_other_module_spells_a_seed_message() -> None:
    root = Path(messages.__file__).parent
    literals = {
        p: "\n".join(_string_constants(p.read_text(encoding="utf-8")))
        for p in root.rglob("*.py")
        if p.resolve() != Path(messages.__file__).resolve()
    }
    for m in messages.seed_messages():
        for part in _literal_parts(m.text):
            spelled = [str(p.relative_to(root)) for p, text in literals.items() if part in text]
            assert spelled == [], f"{part!r} from {m.code} is spelled in {spelled}"
