"""Small builders the tests share."""

from pathlib import Path
from typing import Any

import yaml

from service.model.case import CaseFile
from service.model.files import parse_case_text

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO / "seed"


def cite(where: str = "Figure 1") -> dict[str, str]:
    return {"paper": "fu2018", "where": where}


def tiny_firm(firm_id: str = "acme", **sections: Any) -> dict[str, Any]:
    """A small hub-and-spoke firm: HQ, capability centre, one region, two subsidiaries."""

    def unit(suffix: str, role: str, reports_to: str | None) -> dict[str, Any]:
        record = {
            "id": f"{firm_id}-{suffix}",
            "name": f"{firm_id} {suffix}",
            "role": role,
            "cite": cite(),
        }
        if reports_to:
            record["reports_to"] = f"{firm_id}-{reports_to}"
        return record

    document: dict[str, Any] = {
        "case": firm_id,
        "title": f"{firm_id} test case",
        "firm": {"id": firm_id, "name": firm_id.title(), "home_country": "China", "cite": cite()},
        "units": [
            unit("hq", "hq", None),
            unit("ccd", "capability_centre", "hq"),
            unit("europe", "regional_hq", "ccd"),
            unit("uk", "subsidiary", "europe"),
            unit("de", "subsidiary", "europe"),
        ],
    }
    document.update(sections)
    return document


def as_case(document: dict[str, Any]) -> CaseFile:
    """Validate a document the way a seed file is validated."""
    return parse_case_text(yaml.safe_dump(document, sort_keys=False), name="test.yaml")
