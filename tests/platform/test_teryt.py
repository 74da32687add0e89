"""The TERYT code as a value: what it says is read in one place, and a service that works on a
gmina refuses to run in another gmina's schema."""

from __future__ import annotations

import pytest
from django.db import connection

from mozaika.tenancy import Teryt, WrongGminaSchema, assert_in_gmina, in_gmina
from tests.support import KOSZALIN, TRZEBIEL


def test_a_gmina_code_says_its_voivodeship_powiat_and_schema() -> None:
    trzebiel = Teryt(TRZEBIEL)  # 0811082: lubuskie, powiat żarski

    assert (trzebiel.voivodeship, trzebiel.powiat) == ("08", "0811")
    assert trzebiel.schema_name == "g0811082"
    assert trzebiel.is_gmina
    assert not trzebiel.is_city_with_powiat_rights
    assert trzebiel == TRZEBIEL  # still the text it was made from: JSON, SQL and the ORM take it


def test_powiat_numbers_from_61_are_cities_with_powiat_rights() -> None:
    koszalin = Teryt(KOSZALIN)

    assert koszalin.is_city_with_powiat_rights
    assert Teryt("0811").schema_name == "p0811"
    assert not Teryt("0811").is_gmina


@pytest.mark.parametrize("code", ["081108", "08110820", "08a1082", "", " 0811082", "g0811082"])
def test_anything_else_is_not_a_teryt(code: str) -> None:
    with pytest.raises(ValueError, match="TERYT"):
        Teryt(code)


def test_a_service_asked_about_one_gmina_refuses_another_gminas_schema(db: None) -> None:
    with in_gmina(KOSZALIN), pytest.raises(WrongGminaSchema, match=TRZEBIEL):
        assert_in_gmina(TRZEBIEL)
    with in_gmina(TRZEBIEL) as trzebiel:
        assert assert_in_gmina(TRZEBIEL) == trzebiel
        assert connection.schema_name == "g0811082"
    assert connection.schema_name == "public"
