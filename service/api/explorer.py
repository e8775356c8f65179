"""The network explorer page at /explore: a built bundle of web/, served as static files.

The page talks to the public GraphQL API only. Its JavaScript is bundled from npm packages at
build time (`npm ci && npm run build` in web/), so it loads nothing from the internet.
"""

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, PlainTextResponse, Response

STATIC_DIR = Path(__file__).resolve().parent / "explorer_static"
PAGE = "index.html"
MISSING_BUNDLE = (
    "The explorer page has not been built. Run `npm ci && npm run build` in web/ "
    "(scripts/bootstrap.sh does it), then reload."
)
# Everything the page needs comes from this origin; the policy makes the browser hold it to
# that, so a stray CDN reference would fail loudly instead of quietly phoning out.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'self'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(include_in_schema=False)


@router.api_route("/explore", methods=["GET", "HEAD"], response_model=None)
async def get_explorer_page() -> Response:
    """The explorer's HTML page, or 503 when the bundle has not been built."""
    page = STATIC_DIR / PAGE
    if not page.is_file():
        return PlainTextResponse(MISSING_BUNDLE, status_code=503)
    return FileResponse(
        page, media_type="text/html", headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    )


@router.api_route("/explore/assets/{name}", methods=["GET", "HEAD"])
async def get_explorer_asset(name: str) -> FileResponse:
    """One file of the built bundle; nothing outside the bundle directory is reachable."""
    asset = find_asset(name=name)
    if asset is None:
        raise HTTPException(status_code=404, detail=f"no explorer asset named {name!r}")
    # no-cache still lets the browser keep a copy, but it revalidates it by ETag after a rebuild.
    return FileResponse(asset, headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})


def find_asset(*, name: str, directory: Path | None = None) -> Path | None:
    """The bundle file with this plain file name (in the explorer's bundle unless another
    directory is given), or None (the page itself is not an asset)."""
    if name in {"", ".", "..", PAGE} or "/" in name or "\\" in name:
        return None
    asset = (directory or STATIC_DIR) / name
    return asset if asset.is_file() else None
