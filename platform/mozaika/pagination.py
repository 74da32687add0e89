"""Page numbers and offsets with bounds: an unbounded page times its size overflows PostgreSQL's
bigint OFFSET (a 500 instead of an answer). Past these bounds a list is empty anyway."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000
MAX_OFFSET = 10_000_000


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"1 to {MAX_PAGE}")
        page_size: int | None = Field(None, ge=1, le=1000)
