"""The columns of a call's results export, with Polish headers."""

from __future__ import annotations

from aggregation.calls.criteria import APPLICANT_KIND_PL
from mozaika.exports import Column, ColumnKind

CALL_RESULT_COLUMNS = [
    Column("teryt", "TERYT"),
    Column("name", "Gmina"),
    Column("powiat", "Kod powiatu"),
    Column("powiat_name", "Powiat"),
    Column("applicant_kind", "Rodzaj wnioskodawcy", names={str(k): v for k, v in APPLICANT_KIND_PL.items()}),
    Column("eligible", "Spełnia kryteria dostępu", ColumnKind.BOOLEAN),
    Column("points", "Punkty premiujące", ColumnKind.INTEGER),
    Column("failed_criteria", "Niespełnione kryteria"),
    Column("evaluated_on", "Stan na dzień", ColumnKind.DATE),
]
