"""`kflow generate`'s synthetic case, without a store: the same seed makes the same firm, the
counts asked for are checked and named as the command's options, and the case is validated
like any other."""

import copy
from typing import Any

import pytest

from service.model.files import CaseFileInvalid, validate_case_document
from service.services.synthetic import SIZES, FirmSize, generate_case_document, resolve_firm_size

pytestmark = pytest.mark.unit

SMALL = SIZES["small"]  # 1 centre, 3 hubs, 50 subsidiaries, 2,000 flows
Document = dict[str, Any]


def test_the_same_seed_makes_the_same_firm(document: Document) -> None:
    assert generate_case_document(size=SMALL) == document
    assert generate_case_document(size=SMALL, seed=7) != document
    counts = {k: len(v) for k, v in document.items() if isinstance(v, list)}
    assert counts["units"] == 2 + 3 + 50
    assert (counts["flows"], counts["learning"], counts["integrations"]) == (2000, 200, 200)
    assert {f["direction"] for f in document["flows"]} == {"upward", "downward", "horizontal"}


def test_validation_rejects_a_corrupted_generated_case(document: Document) -> None:
    broken = copy.deepcopy(document)
    upward = next(i for i, f in enumerate(broken["flows"]) if f["direction"] == "upward")
    broken["flows"][upward]["direction"] = "downward"
    broken["flows"][0]["knowledge"] = "synth-k999999"
    broken["integrations"][0]["date"] = "2010-02-30"
    with pytest.raises(CaseFileInvalid) as raised:
        validate_case_document(broken, name="generated")
    assert [p.path for p in raised.value.problems] == ["integrations[0].date"]
    del broken["integrations"][0]["date"]  # field problems first, then the model's rules
    with pytest.raises(CaseFileInvalid) as raised:
        validate_case_document(broken, name="generated")
    messages = {p.path: p.message for p in raised.value.problems}
    assert "is not downward" in messages[f"flows[{upward}].direction"]
    assert messages["flows[0].knowledge"] == "unknown knowledge item 'synth-k999999'"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"flows": -5}, "--flows must be 0 or more, not -5"),
        ({"integrations": -1}, "--integrations must be 0 or more, not -1"),
        ({"hubs": 0}, "--hubs must be at least 1, not 0"),
        ({"subsidiaries": 1}, "--subsidiaries must be at least 2, not 1"),
        ({"learning": 0}, "--learning must be at least 1, not 0"),
    ],
)
def test_a_bad_count_is_named_as_the_commands_option(given: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        resolve_firm_size(size="small", **given)


def test_every_bad_count_is_named_at_once_and_good_ones_replace_the_sizes() -> None:
    with pytest.raises(ValueError) as refused:
        resolve_firm_size(size="small", hubs=0, flows=-1)
    assert (
        str(refused.value) == "--hubs must be at least 1, not 0; --flows must be 0 or more, not -1"
    )
    assert resolve_firm_size(size="small", flows=0, subsidiaries=2) == FirmSize(
        hubs=SMALL.hubs,
        subsidiaries=2,
        flows=0,
        learning=SMALL.learning,
        integrations=SMALL.integrations,
    )
