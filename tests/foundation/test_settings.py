"""Settings: every key survives a save and a load; a bad file or value never loses work."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vismadesk import config
from vismadesk.config import (
    SETTING_KEYS,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
)
from vismadesk.domain import ExportFormat

# A valid value other than the default for every setting: (text as `config set` gives
# it, the typed value it becomes).
NON_DEFAULT: dict[str, tuple[str, Any]] = {
    "export_format": ("sales_invoice", ExportFormat.SALES_INVOICE),
    "new_material": ("on", True),
    "new_relation": ("yes", True),
    "ready_status": ("R1", "R1"),
    "error_status": ("98", "98"),
    "export_claim_status": ("97", "97"),
    "order_type": ("ZZ", "ZZ"),
    "manual_order_numbers": ("on", True),
    "item_class": ("MATERIAAL", "MATERIAAL"),
    "posting_class": ("PC1", "PC1"),
    "hour_rounding": ("15", 15),
    "concurrency": ("8", 8),
    "auto_sync_minutes": ("30", 30),
    "keep_in_tray": ("true", True),
    "duplicate_check_days": ("14", 14),
    "claim_lease_minutes": ("30", 30),
    "outsmart_url": ("http://127.0.0.1:9000/openapi/8/", "http://127.0.0.1:9000/openapi/8/"),
    "visma_connect_url": ("https://connect.example.test", "https://connect.example.test"),
    "erp_url": ("https://erp.example.test", "https://erp.example.test"),
    "salesorders_url": ("https://so.example.test", "https://so.example.test"),
    "client_id": ("isv_vismadesk", "isv_vismadesk"),
    "tenant_id": ("1234567", "1234567"),
    "offline_access": ("false", False),
    "language": ("nl", "nl"),
    "labour_item_class": ("ARBEID", "ARBEID"),
    "default_labour_item": ("ARBEID", "ARBEID"),
    "unit_map": ("STUKKEN=ST; METER=M", config.CodeMap([("METER", "M"), ("STUKKEN", "ST")])),
    "customer_class": ("NL", "NL"),
    "override_class_values": ("false", False),
    "customer_terms": ("30D", "30D"),
    "branch": ("1", "1"),
    "warehouse": ("MAIN", "MAIN"),
    "vat_category": ("1", "1"),
    "credit_terms": ("14D", "14D"),
    "project_map": ("P100=ONDERHOUD/01", config.CodeMap([("P100", "ONDERHOUD/01")])),
    "description_item": ("TEKST", "TEKST"),
    "store_url": (
        "postgresql://planner@server.example.test:5432/vismadesk?sslmode=verify-full",
        "postgresql://planner@server.example.test:5432/vismadesk?sslmode=verify-full",
    ),
    "attach_pdf": ("on", True),
    "attach_forms": ("yes", True),
    "attach_signature": ("true", True),
    "exported_status": ("003", "003"),
    "proxy": ("http://proxy.example.test:8080", "http://proxy.example.test:8080"),
}

BROKEN_NAME = re.compile(r"^settings\.json\.broken-\d{8}T\d{12}Z$")


def test_the_table_above_covers_every_setting() -> None:
    assert set(NON_DEFAULT) == set(SETTING_KEYS)
    defaults = Settings()
    for key, (_text, value) in NON_DEFAULT.items():
        assert defaults.get(key) != value, key


def test_defaults_match_what_an_unconfigured_export_needs() -> None:
    s = Settings()
    assert s.export_format is None  # the seed's "Please specify ..." until chosen
    assert s.error_status == "99"
    assert s.order_type == "SO"
    assert s.ready_status == ""
    assert s.hour_rounding == 0
    for key in ("outsmart_url", "visma_connect_url", "erp_url", "salesorders_url"):
        assert s.get(key).startswith("https://")
    assert s.validation_errors() == {}


@pytest.mark.parametrize("key", SETTING_KEYS)
def test_each_setting_accepts_its_text_form(key: str) -> None:
    text, value = NON_DEFAULT[key]
    s = Settings()
    s.set(key, text)
    assert s.get(key) == value


def test_every_setting_survives_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    s = Settings()
    for key, (_text, value) in NON_DEFAULT.items():
        s.set(key, value)
    save_settings(s, path)

    loaded = load_settings(path)
    assert loaded.warnings == []
    assert loaded.existed
    for key, (_text, value) in NON_DEFAULT.items():
        assert loaded.settings.get(key) == value, key
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["export_format"] == "sales_invoice"
    assert set(on_disk) == set(SETTING_KEYS)


@settings(max_examples=50, deadline=None)
@given(
    client_id=st.text(max_size=60),
    concurrency=st.integers(1, config.MAX_CONCURRENCY),
    rounding=st.sampled_from(config.HOUR_ROUNDING_CHOICES),
    flag=st.booleans(),
)
def test_any_valid_value_round_trips(
    client_id: str, concurrency: int, rounding: int, flag: bool
) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "settings.json"
        s = Settings()
        s.set("client_id", client_id)
        s.set("concurrency", concurrency)
        s.set("hour_rounding", rounding)
        s.set("new_relation", flag)
        save_settings(s, path)
        back = load_settings(path).settings
    assert back.client_id == client_id.strip()
    assert back.concurrency == concurrency
    assert back.hour_rounding == rounding
    assert back.new_relation is flag


def test_missing_file_gives_defaults_without_a_warning(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "settings.json")
    assert loaded.warnings == []
    assert not loaded.existed
    assert loaded.settings.to_json() == Settings().to_json()


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b"[1, 2, 3]", b"\xff\xfe\x00garbage", b'{"concurrency": 4'],
    ids=["syntax", "empty", "not-an-object", "not-utf8", "truncated"],
)
def test_corrupt_file_is_moved_aside_with_a_warning_and_defaults(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)

    loaded = load_settings(path)

    assert loaded.settings.to_json() == Settings().to_json()
    assert loaded.moved_to is not None
    assert BROKEN_NAME.match(loaded.moved_to.name), loaded.moved_to.name
    assert loaded.moved_to.parent == tmp_path
    # Nothing lost: the broken file is kept byte for byte for the user to look at.
    assert loaded.moved_to.read_bytes() == content
    assert not path.exists()
    assert len(loaded.warnings) == 1
    assert str(loaded.moved_to) in loaded.warnings[0]
    assert "defaults are used" in loaded.warnings[0]

    # Saving afterwards writes a good file and leaves the broken copy alone.
    save_settings(loaded.settings, path)
    assert load_settings(path).warnings == []
    assert loaded.moved_to.read_bytes() == content


def test_two_corrupt_files_in_a_row_keep_both_copies(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{first", encoding="utf-8")
    first = load_settings(path).moved_to
    path.write_text("{second", encoding="utf-8")
    second = load_settings(path).moved_to
    assert first and second and first != second
    assert first.read_text(encoding="utf-8") == "{first"
    assert second.read_text(encoding="utf-8") == "{second"


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("concurrency", "many"),
        ("concurrency", 0),
        ("concurrency", config.MAX_CONCURRENCY + 1),
        ("concurrency", True),
        ("concurrency", 2.5),
        ("hour_rounding", "7"),
        ("auto_sync_minutes", -1),
        ("new_material", "maybe"),
        ("new_relation", 1),
        ("offline_access", None),
        ("export_format", "fax"),
        ("order_type", "SALES"),
        ("order_type", ""),
        ("error_status", ""),
        ("ready_status", 5),
        ("item_class", "X" * 31),
        ("erp_url", "ftp://erp.example.test"),
        ("erp_url", "http://erp.example.test"),
        ("outsmart_url", "not an address"),
        ("language", "xx"),
        ("language", "dutch"),
    ],
)
def test_wrong_value_is_rejected_naming_the_key(key: str, bad: object) -> None:
    s = Settings()
    before = s.get(key)
    with pytest.raises(SettingsError) as info:
        s.set(key, bad)
    assert info.value.key == key
    assert str(info.value).startswith(f"{key}: ")
    assert info.value.problem
    assert s.get(key) == before


def test_unknown_key_is_refused_by_set_and_get() -> None:
    s = Settings()
    with pytest.raises(SettingsError, match=r"^colour: unknown setting$"):
        s.set("colour", "blue")
    with pytest.raises(SettingsError, match="colour"):
        s.get("colour")


def test_wrong_type_in_the_file_warns_naming_the_key_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"concurrency": "many", "new_relation": True, "order_type": "SI"}),
        encoding="utf-8",
    )
    loaded = load_settings(path)
    assert loaded.moved_to is None
    assert loaded.settings.concurrency == Settings().concurrency
    assert loaded.settings.new_relation is True
    assert loaded.settings.order_type == "SI"
    assert len(loaded.warnings) == 1
    assert "concurrency" in loaded.warnings[0]


def test_unknown_keys_in_the_file_are_kept_on_save(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    future = {"future_setting": {"nested": [1, 2]}, "theme": "dark"}
    path.write_text(json.dumps({**future, "concurrency": 6}), encoding="utf-8")

    loaded = load_settings(path)
    assert loaded.warnings == []
    loaded.settings.set("concurrency", 7)
    save_settings(loaded.settings, path)

    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["concurrency"] == 7
    for key, value in future.items():
        assert on_disk[key] == value
    assert load_settings(path).settings.extra == future


def test_copy_does_not_share_unknown_keys() -> None:
    s = Settings()
    s.extra["kept"] = 1
    c = s.copy()
    c.extra["added"] = 2
    c.set("concurrency", 9)
    assert s.extra == {"kept": 1}
    assert s.concurrency == 4


def test_validation_errors_name_each_bad_field() -> None:
    s = Settings()
    s.concurrency = 0
    s.erp_url = "ftp://x"
    errors = s.validation_errors()
    assert set(errors) == {"concurrency", "erp_url"}


def _fail(*_a: object, **_k: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_failure_mid_save_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    path = tmp_path / "settings.json"
    old = Settings()
    old.set("concurrency", 6)
    old.extra["future_setting"] = "keep me"
    save_settings(old, path)
    before = path.read_bytes()

    new = old.copy()
    new.set("concurrency", 9)
    if step == "write":
        real_fdopen = os.fdopen

        class HalfWriter:
            """Writes the first half of the text, then the disk is full."""

            def __init__(self, f: Any) -> None:
                self.f = f

            def __enter__(self) -> HalfWriter:
                return self

            def __exit__(self, *exc: object) -> None:
                self.f.close()

            def write(self, text: str) -> int:
                self.f.write(text[: len(text) // 2])
                self.f.flush()
                _fail()
                return 0

        monkeypatch.setattr(config.os, "fdopen", lambda *a, **k: HalfWriter(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(config.os, step, _fail)

    with pytest.raises(OSError, match="No space left"):
        save_settings(new, path)
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    assert load_settings(path).settings.concurrency == 6


def test_save_creates_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "settings.json"
    save_settings(Settings(), path)
    assert load_settings(path).warnings == []


def test_a_settings_file_nested_200000_deep_is_damaged_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    content = b'{"language": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    path.write_bytes(content)

    loaded = load_settings(path)

    assert loaded.settings.to_json() == Settings().to_json()
    assert loaded.moved_to is not None and loaded.moved_to.read_bytes() == content
    assert "could not be read" in loaded.warnings[0]
