"""The specifications the schema's scalars point at (@specifiedBy), served as Markdown.

PartialDate's specifiedByURL names this route, so a client resolves it against the server it
talks to (or, with KFLOW_PUBLIC_URL, reads it as given).
"""

from fastapi import APIRouter
from fastapi.responses import Response

from service.api.graphql.scalars import SPECIFICATION_PATH
from service.settings import PROJECT_ROOT

PARTIAL_DATE_SPECIFICATION = PROJECT_ROOT / "docs" / "partial-date.md"

router = APIRouter(include_in_schema=False)


@router.get(SPECIFICATION_PATH)
async def partial_date_specification() -> Response:
    """PartialDate's specification, from docs/."""
    return Response(
        PARTIAL_DATE_SPECIFICATION.read_text(encoding="utf-8"),
        media_type="text/markdown; charset=utf-8",
    )
