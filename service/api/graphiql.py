"""GraphiQL at /graphql, from a bundle built in web/ (npm packages included): no CDN.

The README's example queries open as its tabs (web/build.mjs extracts them).
"""

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

from service.api.explorer import PAGE, find_asset

STATIC_DIR = Path(__file__).resolve().parent / "graphiql_static"
MISSING_BUNDLE = (
    "GraphiQL has not been built. Run `npm ci && npm run build` in web/ "
    "(scripts/bootstrap.sh does it), then reload."
)
# GraphiQL's editors set inline styles; scripts and requests stay on this origin.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; img-src 'self' data:; font-src 'self' data:; base-uri 'self'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


def render_graphiql_page() -> HTMLResponse:
    """GraphiQL's page, or 503 saying how to build it."""
    page = STATIC_DIR / PAGE
    if not page.is_file():
        return HTMLResponse(MISSING_BUNDLE, status_code=503)
    return HTMLResponse(page.read_text(encoding="utf-8"), headers=SECURITY_HEADERS)


@router.api_route("/graphiql/assets/{name}", methods=["GET", "HEAD"])
async def get_graphiql_asset(name: str) -> FileResponse:
    """One file of GraphiQL's bundle; nothing outside the bundle directory is reachable."""
    asset = find_asset(name=name, directory=STATIC_DIR)
    if asset is None:
        raise HTTPException(status_code=404, detail=f"no GraphiQL asset named {name!r}")
    return FileResponse(asset, headers=SECURITY_HEADERS)
