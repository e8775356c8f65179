"""The analyst commands against a kflow server elsewhere, over its HTTP API (`kflow --url`).

The server does the work and enforces its limits and the key's role; this only sends the
request and turns the answer, or the refusal, into what the local command would print.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from service.services.analyst import NamedQuery, QueryAnswer

# The server stops an analyst query at its own limit; this only waits for the answer.
REQUEST_TIMEOUT_S = 300.0


class RemoteError(Exception):
    """The server could not be reached, or refused the request (the message says why)."""


class RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: urllib would resend the API key to wherever it points."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        raise RemoteError(
            f"{req.full_url} redirects (HTTP {code}) to {newurl}: kflow does not follow "
            "redirects, as the API key would go with it; give --url the server's own address"
        )


OPENER = urllib.request.build_opener(RefuseRedirects)


@dataclass(frozen=True)
class RemoteServer:
    """A kflow server's HTTP API, and the API key to call it with (if any)."""

    url: str
    key: str | None = None

    def _request(
        self, method: str, path: str, *, query: dict[str, Any] | None = None, body: Any = None
    ) -> bytes:
        address = self.url.rstrip("/") + path
        if query:
            address += "?" + urllib.parse.urlencode(query)
        headers = {"Accept": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(address, data=data, headers=headers, method=method)
        try:
            with OPENER.open(request, timeout=REQUEST_TIMEOUT_S) as answer:
                return bytes(answer.read())
        except urllib.error.HTTPError as refused:
            raise RemoteError(self._refusal(refused)) from None
        except (TimeoutError, urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise RemoteError(f"cannot reach kflow at {self.url}: {reason}") from None

    def _refusal(self, refused: urllib.error.HTTPError) -> str:
        text = refused.read().decode(errors="replace")
        try:
            body = json.loads(text)
            detail = str(body.get("detail") or body.get("error") or text)
        except (ValueError, AttributeError):
            if refused.code == 404:
                return f"{self.url} has no page {refused.url}: is it a kflow server?"
            detail = text.strip()[:200] or str(refused.reason)
        if refused.code == 401:
            hint = " (give an API key with --key or KFLOW_API_KEY)" if not self.key else ""
            return f"the server at {self.url} refused the key: {detail}{hint}"
        if refused.code == 403:
            return f"the key may not do this on {self.url}: {detail}"
        return f"{detail} (HTTP {refused.code} from {self.url})"

    def _json(self, method: str, path: str, **options: Any) -> Any:
        text = self._request(method, path, **options)
        try:
            return json.loads(text)
        except ValueError:
            raise RemoteError(
                f"{self.url} answered {path} with something other than JSON: is it kflow?"
            ) from None

    def get_status(self) -> dict[str, Any]:
        """The server's readiness: backend, engine version, node and relationship counts."""
        answer: dict[str, Any] = self._json("GET", "/readyz")
        return answer

    def run_cypher(self, *, text: str, params: dict[str, Any]) -> QueryAnswer:
        """Run read-only Cypher on the server."""
        return _answer(self._json("POST", "/cypher", body={"query": text, "parameters": params}))

    def run_named_query(self, *, name: str, params: dict[str, Any]) -> QueryAnswer:
        """Run a named query on the server."""
        path = "/queries/" + urllib.parse.quote(name, safe="")
        return _answer(self._json("POST", path, body={"parameters": params}))

    def list_named_queries(self) -> list[NamedQuery]:
        """The server's named query catalogue."""
        return [NamedQuery.model_validate(item) for item in self._json("GET", "/queries")]

    def export_graph(
        self, *, firm: str | None, unit: str | None, hops: int, fmt: str, derived: bool
    ) -> dict[str, str]:
        """A firm's subgraph or a unit's neighbourhood, as files by name (CSV: two tables)."""
        query: dict[str, Any] = {"format": fmt, "derived": str(derived).lower()}
        if unit is not None:
            path = "/export/units/" + urllib.parse.quote(unit, safe="")
            query["hops"] = hops
        elif firm is not None:
            path = "/export/firms/" + urllib.parse.quote(firm, safe="")
        else:
            raise RemoteError(
                "over --url, export one firm (--firm) or a unit's neighbourhood (--unit); "
                "the whole graph is exported on the server's machine"
            )
        if fmt == "csv":
            return {
                f"{table}.csv": self._request("GET", path, query=query | {"table": table}).decode()
                for table in ("nodes", "relationships")
            }
        name = "kflow.cyjs" if fmt == "cytoscape" else "kflow.graphml"
        return {name: self._request("GET", path, query=query).decode()}


def _answer(body: dict[str, Any]) -> QueryAnswer:
    columns = body["columns"]
    return QueryAnswer(
        columns=columns,
        rows=[[record.get(column) for column in columns] for record in body["rows"]],
        truncated=body["truncated"],
        row_cap=body["rowCap"],
        byte_cap=body.get("byteCap"),
        cut_by=body.get("cutBy"),
    )
