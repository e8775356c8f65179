"""The server's log lines, without a server: JSON or text, each carrying its request's id
(only a sane one is accepted from a client) and never a secret."""

import io
import json
import logging

import pytest

from service.api.observability import (
    JsonFormatter,
    RequestContext,
    RequestIdFilter,
    TextFormatter,
    _current,
    accepted_request_id,
)

pytestmark = pytest.mark.unit


def test_only_sane_request_ids_are_accepted() -> None:
    assert accepted_request_id("A-z_0.9") == "A-z_0.9"
    assert accepted_request_id("x" * 64) == "x" * 64
    for bad in (None, "", "x" * 65, "a b", "a\nb", "é", "a/b"):
        assert accepted_request_id(bad) is None, bad


def _formatted(formatter: logging.Formatter, request_id: str | None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("kflow.test-format")
    logger.addHandler(handler)
    logger.propagate = False
    token = _current.set(RequestContext(request_id) if request_id else None)
    try:
        logger.warning("hello %s", "world", extra={"api_key": "k-123", "rows": 3})
    finally:
        _current.reset(token)
        logger.removeHandler(handler)
    return stream.getvalue()


def test_the_json_format_is_one_object_a_line_with_secret_extras_redacted() -> None:
    line = json.loads(_formatted(JsonFormatter(), "rid-1"))
    assert line["message"] == "hello world"
    assert (line["level"], line["logger"], line["request_id"]) == (
        "warning",
        "kflow.test-format",
        "rid-1",
    )
    assert (line["rows"], line["api_key"]) == (3, "[redacted]")
    assert json.loads(_formatted(JsonFormatter(), None))["request_id"] is None


def test_the_text_format_shows_the_request_id() -> None:
    assert "WARNING kflow.test-format [rid-2] hello world" in _formatted(TextFormatter(), "rid-2")
    assert "[-] hello world" in _formatted(TextFormatter(), None)
