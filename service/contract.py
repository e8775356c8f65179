"""The contract in schema/, generated from the code so that it cannot drift unnoticed."""

import json

from service.api.graphql.schema import export_possible_types, export_sdl
from service.model.case import CaseFile
from service.settings import PROJECT_ROOT

SCHEMA_DIR = PROJECT_ROOT / "schema"


def render_contract() -> dict[str, str]:
    """The generated files of schema/, by name."""
    case_schema = CaseFile.model_json_schema(by_alias=True)
    case_schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    case_schema["title"] = "kflow case file"
    return {
        "schema.graphql": export_sdl(),
        "case.schema.json": json.dumps(case_schema, indent=2, sort_keys=True) + "\n",
        "possible-types.json": export_possible_types(),
    }
