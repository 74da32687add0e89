"""`python -m mozaika archive verify [--teryt ...]`: read every archived document back and
compare its SHA-256 with the recorded one; exits non-zero when any is missing or altered."""

from __future__ import annotations

import re
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from mozaika.tenancy import TERYT_GMINA_PATTERN
from tenants.plans.documents.archive_check import archive_verify


class Command(BaseCommand):
    help = "Verify the document archive against the recorded hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser("verify", help="re-read archived documents and compare their hashes")
        verify.add_argument("--teryt", nargs="+", help="only these gminas (7-digit codes)")

    def handle(self, *args: Any, action: str, teryt: list[str] | None = None, **options: Any) -> None:
        for code in teryt or []:
            if not re.match(TERYT_GMINA_PATTERN, code):
                raise CommandError(f"not a gmina TERYT code: {code!r}")
        with tqdm(unit="document", file=sys.stderr, disable=None) as bar:
            check = archive_verify(teryts=teryt, progress=lambda _: bar.update())
        for finding in check.findings:
            document = finding.document
            found = f", now {finding.found_sha256}" if finding.found_sha256 else ""
            self.stdout.write(
                f"{finding.problem.upper()} {document.key}: gmina {document.teryt}, plan {document.plan_id}, "
                f"document {document.document_id}, recorded {document.sha256}{found}"
            )
        self.stdout.write(f"checked {check.checked} archived documents: {len(check.findings)} problem(s)")
        if check.findings:
            raise CommandError(f"{len(check.findings)} archived document(s) missing or altered")
