"""Importing the TERC register: the whole country, later versions and change files, and bad
files refused whole with their line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenants.models import Gmina, GminaKind, Powiat, Voivodeship
from tenants.registry.terc import RegistryImportError, registry_import

HEADER = "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n"
CHANGE_HEADER = "ZMIANA;WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n"


def terc(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "terc.csv"
    path.write_text("\ufeff" + header + body, encoding="utf-8")
    return path


def test_the_bundled_register_holds_the_whole_country(db: None) -> None:
    # Loaded by the session fixture through the demo loader.
    tenant_kinds = Gmina.objects.filter(kind__in=[GminaKind.URBAN, GminaKind.RURAL, GminaKind.URBAN_RURAL])
    assert Voivodeship.objects.count() == 16
    assert Powiat.objects.count() == 380
    assert tenant_kinds.count() == 2477
    assert Gmina.objects.filter(kind=GminaKind.TOWN_PART).count() == 642
    trzebiel = Gmina.objects.get(teryt="0811082")
    assert (trzebiel.name, trzebiel.kind, trzebiel.powiat.name, trzebiel.voivodeship.name) == (
        "Trzebiel",
        GminaKind.RURAL,
        "żarski",
        "lubuskie",
    )
    assert Powiat.objects.get(code="1261").is_city_with_powiat_rights


def test_reimporting_the_same_register_changes_nothing(db: None) -> None:
    summary = registry_import()
    assert not summary.created
    assert not summary.updated
    assert not summary.deactivated
    assert sum(summary.unchanged.values()) == 16 + 380 + 2477 + 642 + 642 + 18 + 19


def test_a_change_file_creates_modifies_and_removes_units(db: None, tmp_path: Path) -> None:
    changes = terc(
        tmp_path,
        "D;08;11;99;2;Nowa Gmina;gmina wiejska;2025-01-01\n"
        "M;08;11;08;2;Trzebiel-Zmieniony;gmina wiejska;2025-01-01\n"
        "U;08;11;01;1;Łęknica;gmina miejska;2025-01-01\n",
        CHANGE_HEADER,
    )

    summary = registry_import(changes, changes=True)

    assert summary.created == {"gmina": 1}
    assert summary.updated == {"gmina": 1}
    assert summary.deactivated == {"gmina": 1}
    assert Gmina.objects.get(teryt="0811992").name == "Nowa Gmina"
    assert Gmina.objects.get(teryt="0811082").name == "Trzebiel-Zmieniony"
    assert Gmina.objects.get(teryt="0811011").is_active is False


def test_a_full_register_deactivates_what_it_no_longer_lists(db: None, tmp_path: Path) -> None:
    only_lubuskie = terc(
        tmp_path,
        "08;;;;LUBUSKIE;województwo;2025-01-01\n08;11;;;żarski;powiat;2025-01-01\n"
        "08;11;08;2;Trzebiel;gmina wiejska;2025-01-01\n",
    )
    summary = registry_import(only_lubuskie)
    assert summary.unchanged == {"voivodeship": 1, "powiat": 1, "gmina": 1}
    assert Gmina.objects.filter(is_active=True).count() == 1
    assert Voivodeship.objects.filter(is_active=False).count() == 15


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        pytest.param("08;11;08;2;Trzebiel;x;\n08;11;08;2;Trzebiel;x;\n", "line 3", "duplicate code", id="duplicate"),
        pytest.param("8;;;;LUBUSKIE;x;\n", "line 2", "WOJ must be 2 digits", id="short-code"),
        pytest.param("08;111;;;żarski;x;\n", "line 2", "POW must be 2 digits", id="long-code"),
        pytest.param("08;99;01;2;Nigdzie;x;\n", "line 2", "unknown powiat 0899", id="unknown-parent"),
        pytest.param("08;11;10;2;;x;\n", "line 2", "empty name", id="empty-name"),
        pytest.param("08;11;10;7;Dziwna;x;\n", "line 2", "unknown gmina kind", id="unknown-kind"),
    ],
)
def test_bad_rows_are_reported_by_line_and_nothing_is_imported(
    db: None, tmp_path: Path, body: str, line: str, message: str
) -> None:
    good_row = "08;11;99;2;Nowa Gmina;gmina wiejska;2025-01-01\n"
    path = terc(tmp_path, "".join("D;" + r for r in (body + good_row).splitlines(keepends=True)), CHANGE_HEADER)

    with pytest.raises(RegistryImportError) as refused:
        registry_import(path, changes=True)

    assert any(e.path == line and message in e.message for e in refused.value.errors), refused.value.errors
    assert not Gmina.objects.filter(teryt="0811992").exists()


def test_a_file_without_the_terc_columns_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("code;name\n08;LUBUSKIE\n", encoding="utf-8")
    with pytest.raises(RegistryImportError) as refused:
        registry_import(path)
    assert refused.value.errors[0].path == "line 1"
