"""Bad case data is refused with one message per problem (file, line, field), before any write."""

from typing import Any

import pytest
import yaml

from service.model.files import CaseFileInvalid, FileProblem, parse_case_text
from tests.helpers import cite, tiny_firm, tiny_flow

pytestmark = pytest.mark.unit


def problems_of(document: dict[str, Any] | str) -> list[FileProblem]:
    text = document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False)
    with pytest.raises(CaseFileInvalid) as failure:
        parse_case_text(text, name="seed/acme.yaml")
    return failure.value.problems


def test_a_wrong_enum_names_the_field_the_line_and_the_choices() -> None:
    document = tiny_firm(flows=[tiny_flow("f1", "uk", "europe", "sideways")])
    [problem] = problems_of(document)
    assert problem.path == "flows[0].direction"
    assert "'upward', 'downward' or 'horizontal'" in problem.message
    text = yaml.safe_dump(document, sort_keys=False)
    assert text.splitlines()[problem.line - 1].strip().startswith("direction: sideways")


def test_a_dangling_reference_is_named() -> None:
    [problem] = problems_of(tiny_firm(flows=[tiny_flow("f1", "uk", "asia", "upward")]))
    assert (problem.path, problem.message) == (
        "flows[0].to",
        "unknown unit 'acme-asia' (not a unit of this firm)",
    )


def test_a_duplicate_id_points_to_its_first_use() -> None:
    document = tiny_firm(flows=[tiny_flow("acme-uk", "uk", "europe", "upward")])
    [problem] = problems_of(document)
    assert problem.path == "flows[0].id"
    assert "duplicate id 'acme-uk' (first used at units.3.id)" in problem.message


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("2001-13", "month 13 does not exist"),
        ("2001-02-30", "day 30 does not exist in 2001-02"),
        ("last spring", "is not a date"),
        ("1066", "out of range"),
    ],
)
def test_a_bad_date_is_refused(date: str, reason: str) -> None:
    [problem] = problems_of(tiny_firm(flows=[tiny_flow("f1", "uk", "europe", "upward", date=date)]))
    assert problem.path == "flows[0].date"
    assert reason in problem.message


def test_a_yaml_syntax_error_gives_its_line() -> None:
    [problem] = problems_of("case: acme\ntitle: Acme\nfirm: {id: acme\nunits: []\n")
    assert problem.line == 4
    assert problem.message.startswith("not valid YAML")


def test_an_upward_flow_must_really_go_up() -> None:
    [problem] = problems_of(tiny_firm(flows=[tiny_flow("f1", "europe", "uk", "upward")]))
    assert problem.path == "flows[0].direction"
    assert "from regional_hq 'acme-europe' to subsidiary 'acme-uk' is not upward" in problem.message


def test_a_horizontal_flow_stays_on_one_level() -> None:
    [problem] = problems_of(tiny_firm(flows=[tiny_flow("f1", "uk", "ccd", "horizontal")]))
    assert "is not horizontal" in problem.message


def test_a_flow_cannot_loop_on_one_unit() -> None:
    [problem] = problems_of(tiny_firm(flows=[tiny_flow("f1", "uk", "uk", "horizontal")]))
    assert problem.message == "a flow cannot go from a unit to itself"


def release(resources: list[str]) -> dict[str, Any]:
    return {
        "id": "acme-sale",
        "step": "release",
        "tier": "high",
        "coordinator": "acme-hq",
        "description": "sold a business unit",
        "resources": resources,
        "cite": cite("Table 3"),
    }


def test_a_release_must_name_a_resource_the_firm_holds() -> None:
    [problem] = problems_of(tiny_firm(integrations=[release(["acme-avansys"])]))
    assert problem.path == "integrations[0].resources[0]"
    assert "a firm can only release a resource it holds" in problem.message


def test_a_release_must_name_some_resource() -> None:
    [problem] = problems_of(tiny_firm(integrations=[release([])]))
    assert "a release must name the resource(s)" in problem.message


def test_a_held_resource_can_be_released() -> None:
    held = [
        {
            "id": "acme-avansys",
            "name": "Avansys",
            "kind": "business_unit",
            "held_by": "acme-hq",
            "cite": cite("Table 3"),
        }
    ]
    document = tiny_firm(resources=held, integrations=[release(["acme-avansys"])])
    case = parse_case_text(yaml.safe_dump(document), name="acme.yaml")
    assert case.integrations[0].resources == ("acme-avansys",)


def test_learning_from_a_customer_goes_through_the_customer_channel() -> None:
    document = tiny_firm(
        actors=[{"id": "acme-bt", "name": "BT", "kind": "customer", "cite": cite("Table 2")}],
        knowledge=[
            {
                "id": "acme-k",
                "name": "feedback",
                "kind": "declarative",
                "domain": "market",
                "cite": cite("Table 2"),
            }
        ],
        learning=[
            {
                "id": "acme-l",
                "unit": "acme-uk",
                "source": "acme-bt",
                "channel": "host_country",
                "knowledge": ["acme-k"],
                "cite": cite("Table 2"),
            }
        ],
    )
    [problem] = problems_of(document)
    assert problem.path == "learning[0].channel"
    assert "goes through the 'customers' channel" in problem.message


def test_every_broken_rule_is_reported_at_once() -> None:
    problems = problems_of(
        tiny_firm(
            flows=[
                tiny_flow("f1", "uk", "asia", "upward"),
                tiny_flow("f2", "uk", "uk", "horizontal"),
                tiny_flow("f3", "europe", "uk", "upward"),
            ]
        )
    )
    assert [p.path for p in problems] == ["flows[0].to", "flows[1].to", "flows[2].direction"]
    assert all(p.file == "seed/acme.yaml" and p.line is not None for p in problems)


def test_every_bad_field_is_reported_at_once_before_the_rules_are_checked() -> None:
    problems = problems_of(
        tiny_firm(
            flows=[
                tiny_flow("f1", "uk", "asia", "sideways"),
                tiny_flow("f2", "uk", "europe", "upward", date="x"),
                tiny_flow("f3", "europe", "uk", "upward", mode="loud"),
            ]
        )
    )
    assert [p.path for p in problems] == ["flows[0].direction", "flows[1].date", "flows[2].mode"]


def test_a_citation_is_required_for_every_record() -> None:
    document = tiny_firm()
    del document["units"][3]["cite"]
    [problem] = problems_of(document)
    assert (problem.path, problem.message) == ("units[3].cite", "Field required")


def integration_with_roles(**roles: Any) -> dict[str, Any]:
    return {
        "id": "acme-leverage",
        "step": "leverage",
        "tier": "low",
        "description": "a subsidiary's brand used for other products",
        "cite": cite("Table 3"),
        **roles,
    }


def test_integration_role_units_must_be_units_of_the_firm() -> None:
    document = tiny_firm(
        integrations=[
            integration_with_roles(
                sponsors=["acme-uk", "acme-mars"], beneficiaries=["zte-us"], coordinator="acme-x"
            )
        ]
    )
    found = {(p.path, p.message) for p in problems_of(document)}
    assert found == {
        ("integrations[0].sponsors[1]", "unknown unit 'acme-mars'"),
        ("integrations[0].beneficiaries[0]", "unknown unit 'zte-us'"),
        ("integrations[0].coordinator", "unknown unit 'acme-x'"),
    }


def test_a_subsidiary_cannot_coordinate_an_integration() -> None:
    document = tiny_firm(integrations=[integration_with_roles(coordinator="acme-uk")])
    [problem] = problems_of(document)
    assert problem.path == "integrations[0].coordinator"
    assert "not a subsidiary" in problem.message


def test_an_integration_may_name_no_role_and_keeps_the_roles_it_names() -> None:
    bare = parse_case_text(
        yaml.safe_dump(tiny_firm(integrations=[integration_with_roles()])), name="acme.yaml"
    )
    assert (bare.integrations[0].sponsors, bare.integrations[0].coordinator) == ((), None)
    roles = integration_with_roles(
        sponsors=["acme-uk"], beneficiaries=["acme-de", "acme-uk"], coordinator="acme-europe"
    )
    case = parse_case_text(yaml.safe_dump(tiny_firm(integrations=[roles])), name="acme.yaml")
    event = case.integrations[0]
    assert (event.sponsors, event.beneficiaries, event.coordinator) == (
        ("acme-uk",),
        ("acme-de", "acme-uk"),
        "acme-europe",
    )
