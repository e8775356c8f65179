"""Reading case files (YAML or JSON) into validated models, with every problem located."""

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from service.model.case import CaseFile, find_case_problems

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong in a case file: where it is and what is wrong."""

    file: str
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.path or '(file)'}: {self.message}"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large case's objects are made.

    Each collection walks every live container object, so with a million records in
    memory the collector, not the validation, would take most of the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class CaseFileInvalid(Exception):
    """A case file that cannot be loaded; nothing from it was written."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _line_of(root: yaml.Node | None, loc: Loc) -> int | None:
    node = root
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _render_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _read_document(path: Path, text: str) -> tuple[Any, yaml.Node | None]:
    try:
        return _parse_document(path, text)
    except RecursionError:
        raise CaseFileInvalid(
            [FileProblem(str(path), "", None, "the document is nested too deeply to be a case")]
        ) from None


def _parse_document(path: Path, text: str) -> tuple[Any, yaml.Node | None]:
    name = str(path)
    if path.suffix == ".json":
        try:
            return json.loads(text), None
        except json.JSONDecodeError as err:
            raise CaseFileInvalid(
                [FileProblem(name, "", err.lineno, f"not valid JSON: {err.msg}")]
            ) from None
    try:
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        raise CaseFileInvalid([FileProblem(name, "", line, f"not valid YAML: {problem}")]) from None


def parse_case_text(text: str, *, name: str) -> CaseFile:
    """Validate one case document (YAML or JSON by the name's suffix), listing every problem."""
    document, tree = _read_document(Path(name), text)
    try:
        return validate_case_document(document, name=name, tree=tree)
    except RecursionError:
        raise CaseFileInvalid(
            [FileProblem(name, "", None, "the document is nested too deeply to be a case")]
        ) from None


def validate_case_document(document: Any, *, name: str, tree: yaml.Node | None = None) -> CaseFile:
    """Validate one parsed case document: its fields, then the rules of the model."""
    if not isinstance(document, dict):
        raise CaseFileInvalid([FileProblem(name, "", 1, "a case file is a mapping of sections")])
    try:
        with paused_gc():
            case = CaseFile.model_validate(document)
    except ValidationError as err:
        errors = err.errors(include_url=False)
        # A list whose only items are invalid is also reported as too short: noise.
        nested = {e["loc"][:n] for e in errors for n in range(len(e["loc"]))}
        problems = [
            FileProblem(name, _render_loc(e["loc"]), _line_of(tree, e["loc"]), e["msg"])
            for e in errors
            if not (e["type"] == "too_short" and e["loc"] in nested)
        ]
        raise CaseFileInvalid(problems) from None
    with paused_gc():
        rule_problems = [
            FileProblem(name, _render_loc(loc), _line_of(tree, loc), message)
            for loc, message in find_case_problems(case)
        ]
    if rule_problems:
        raise CaseFileInvalid(rule_problems)
    return case


def parse_case_file(path: Path) -> CaseFile:
    """Read and validate one case file from disk."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise CaseFileInvalid(
            [FileProblem(str(path), "", None, err.strerror or str(err))]
        ) from None
    return parse_case_text(text, name=str(path))
