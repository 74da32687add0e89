"""GUS populations loaded by TERYT from a BDL export (issue 20): the latest year per gmina, only
gminas, every bad row named with its line and nothing half-loaded; once loaded, the rollups'
shares weighted by population appear."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aggregation.models import Rollup
from aggregation.views.actors import reweigh_rollups
from aggregation.views.refresh import rollup_refresh
from mozaika.events.models import Event
from mozaika.tenancy import in_gmina
from tenants.models import TENANT_GMINA_KINDS, Gmina
from tests.aggregation.test_regional_views import refresh
from tests.factories import AdoptedPlanFactory
from tests.support import TRZEBIEL

HEADER = "Kod;Nazwa;Płeć;Rok;Wartosc;Jednostka miary;Atrybut\n"
LEKNICA = "0811011"


def bdl(tmp_path: Path, rows: list[str], encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / "LUDN_2024.csv"
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding=encoding)
    return path


def test_the_latest_figure_of_each_gmina_is_loaded_and_other_units_skipped(db: None, tmp_path: Path) -> None:
    file = bdl(tmp_path, [
        "0000000000;POLSKA;ogółem;2023;37636508;osoba;",
        "0800000000;LUBUSKIE;ogółem;2023;982626;osoba;",
        "0811000000;Powiat żarski;ogółem;2023;92120;osoba;",
        "0811082000;Trzebiel (2);ogółem;2022;5702;osoba;",
        "0811082000;Trzebiel (2);ogółem;2023;5 650;osoba;",
        "0811082000;Trzebiel (2);mężczyźni;2023;2811;osoba;",
        f"{LEKNICA};Łęknica (1);ogółem;2023;2386;osoba;",
    ], encoding="cp1250")  # fmt: skip
    start = Event.objects.count()

    call_command("registry", "populations", str(file))

    assert Gmina.objects.get(teryt=TRZEBIEL).population == 5650
    assert Gmina.objects.get(teryt=LEKNICA).population == 2386
    assert Event.objects.filter(type="registry.populations_loaded").count() == 1
    assert Event.objects.count() == start + 1


def test_a_year_can_be_chosen(db: None, tmp_path: Path) -> None:
    file = bdl(tmp_path, ["0811082;Trzebiel;ogółem;2022;5702;osoba;", "0811082;Trzebiel;ogółem;2023;5650;osoba;"])
    call_command("registry", "populations", str(file), "--year", "2022")
    assert Gmina.objects.get(teryt=TRZEBIEL).population == 5702


def test_bad_rows_are_named_and_nothing_is_loaded(db: None, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    file = bdl(tmp_path, [
        f"{LEKNICA};Łęknica;ogółem;2023;2386;osoba;",
        "08110;Krótki kod;ogółem;2023;100;osoba;",
        "0811082;Trzebiel;ogółem;dwa tysiące;5650;osoba;",
        "0811082;Trzebiel;ogółem;2023;-5;osoba;",
        "0811082123;Trzebiel;ogółem;2023;5650;osoba;",
    ])  # fmt: skip

    with pytest.raises(CommandError, match="4 problem"):
        call_command("registry", "populations", str(file))

    errors = capsys.readouterr().err
    assert [line.split(":")[0] for line in errors.splitlines()] == ["line 3", "line 4", "line 5", "line 6"]
    assert Gmina.objects.get(teryt=LEKNICA).population is None


@pytest.mark.parametrize(
    ("content", "message"),
    [("Kod;Nazwa;Wartosc\n0811082;Trzebiel;5650\n", "missing column Rok"), ("", "empty")],
)
def test_a_file_that_is_not_bdls_is_refused(db: None, tmp_path: Path, content: str, message: str,
                                            capsys: pytest.CaptureFixture) -> None:  # fmt: skip
    path = tmp_path / "inny.csv"
    path.write_text(content)
    with pytest.raises(CommandError):
        call_command("registry", "populations", str(path))
    assert message in capsys.readouterr().err


def test_a_missing_file_is_a_clear_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("registry", "populations", str(tmp_path / "brak.csv"))


def test_shares_weighted_by_population_appear_once_loaded(db: None, tmp_path: Path) -> None:
    with in_gmina(TRZEBIEL):
        AdoptedPlanFactory(teryt=TRZEBIEL, period_start=2024, period_end=2030)
    refresh(TRZEBIEL)
    assert Rollup.objects.get(scope="voivodeship:08").data["population_share_with_plan_in_force"] is None

    lubuskie = list(Gmina.objects.filter(voivodeship_id="08", kind__in=TENANT_GMINA_KINDS).order_by("teryt"))
    people = {gmina.teryt: 1000 + 10 * i for i, gmina in enumerate(lubuskie)}
    call_command(
        "registry", "populations", str(bdl(tmp_path, [f"{t};x;ogółem;2023;{n};osoba;" for t, n in people.items()]))
    )
    reweigh_rollups.fn(str(Event.objects.get(type="registry.populations_loaded").id))
    rollup_refresh(scope="voivodeship:08")

    share = Rollup.objects.get(scope="voivodeship:08").data["population_share_with_plan_in_force"]
    assert share == round(people[TRZEBIEL] / sum(people.values()), 4)  # rollups keep four places


def test_a_figure_nobody_can_read_twice_is_refused(db: None, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    file = bdl(tmp_path, [
        "0811082;Trzebiel;ogółem;2023;5.000;osoba;",  # thousands or decimals: nobody can tell
        f"{LEKNICA};Łęknica;ogółem;2023;2386;osoba;",
        f"{LEKNICA}000;Łęknica;ogółem;2023;2390;osoba;",  # the same gmina and year, another figure
    ])  # fmt: skip

    with pytest.raises(CommandError, match="2 problem"):
        call_command("registry", "populations", str(file))

    errors = capsys.readouterr().err.splitlines()
    assert errors[0].startswith("line 2: Wartosc '5.000'")
    assert errors[1] == f"line 4: a second figure for {LEKNICA} in 2023 (first on line 3: 2386)"


def test_an_export_with_another_dimension_is_refused(db: None, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "wiek.csv"
    path.write_text("Kod;Nazwa;Wiek;Rok;Wartosc\n0811082;Trzebiel;0-4;2023;250\n0811082;Trzebiel;ogółem;2023;5650\n")
    with pytest.raises(CommandError):
        call_command("registry", "populations", str(path))
    assert "column Wiek" in capsys.readouterr().err
    assert Gmina.objects.get(teryt=TRZEBIEL).population is None


def test_excels_unicode_text_is_read(db: None, tmp_path: Path) -> None:
    call_command("registry", "populations", str(bdl(tmp_path, ["0811082;Trzebiel;ogółem;2023;5650;osoba;"], "utf-16")))
    assert Gmina.objects.get(teryt=TRZEBIEL).population == 5650
