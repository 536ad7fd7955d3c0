"""Front matter: found exactly where MkDocs finds it, loaded with line numbers, validated by the model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from .dates import date_from_file_name, out_of_range
from .limits import MAX_FRONT_MATTER_BYTES, MAX_YAML_NODES
from .model import FrontMatter, MetaProblem
from .template import Template

# The same block MkDocs' own `utils/meta.py` recognises, so both always read the same front matter.
FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_LOOKS_LIKE_FRONT_MATTER = re.compile(r"^\s*-{3,}[ \t]*\n")

# libyaml's safe loader when PyYAML has it, else the pure-Python one. Type checkers see the latter: the
# former has the same of what is used here (implicit resolvers, `get_single_node`, `construct_document`, `dispose`).
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """Safe YAML that leaves dates as text, so `2024-13-45` is a finding of ours, not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass
class MetaResult:
    """What the front matter yielded: the model (when valid), problems, key lines, body start."""

    meta: FrontMatter | None = None
    problems: list[MetaProblem] = field(default_factory=list)
    key_lines: dict[str, int] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    body_start: int = 0  # character offset of the body in the text
    lines: int = 0  # how many lines the front matter block spans


def read_front_matter(text: str, template: Template, infer_from: str | None = None) -> MetaResult:
    """Find, load and validate the front matter at the top of `text` (already BOM-free); the severity
    is one of `template`'s. With `infer_from` (a legacy page's path), a missing `incident_date` is
    taken from the file name when it starts with one, and said so."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        result = MetaResult()
        if _LOOKS_LIKE_FRONT_MATTER.match(text):
            message = (
                "the front matter is not recognised by MkDocs: it must start on the first line with "
                "exactly `---` and end with a line `---`"
            )
        else:
            message = "the page has no front matter"
        result.problems.append(MetaProblem(line=1, kind="yaml", message=message))
        return result

    result = MetaResult(body_start=match.end(), lines=match.group(0).count("\n"))
    if len(match.group(1)) > MAX_FRONT_MATTER_BYTES:
        result.problems.append(
            MetaProblem(
                line=1, kind="yaml", message=f"the front matter is over the {MAX_FRONT_MATTER_BYTES // 1000} KB limit"
            )
        )
        return result
    loaded = _load_yaml(match.group(1), result)
    if loaded is None:
        return result
    data, root = loaded
    result.raw = data
    if infer_from is not None and "incident_date" not in data and (day := date_from_file_name(infer_from)):
        data = {**data, "incident_date": day.isoformat()}
        message = f"`incident_date` {day.isoformat()} was taken from the file name"
        result.problems.append(MetaProblem(line=1, kind="inferred", key="incident_date", message=message))
    try:
        result.meta = FrontMatter.model_validate(data, context={"template": template})
    except ValidationError as exc:
        for error in exc.errors():
            path, value, line = _locate(root, data, error["loc"])
            key = "".join(part if part.startswith("[") else f".{part}" for part in path).lstrip(".") or None
            kind = error["type"]
            if kind == "missing":
                line = 1 if len(path) == 1 else line
                result.problems.append(
                    MetaProblem(line=line, kind="missing", key=key, message=f"required key `{key}` is missing")
                )
            elif kind == "extra_forbidden":
                result.problems.append(
                    MetaProblem(line=line, kind="invalid", key=key, message=f"`{key}` is not a key this tool knows")
                )
            else:
                result.problems.append(
                    MetaProblem(
                        line=line or 1,
                        kind="sev4" if kind == "sev4" else "invalid",
                        key=key,
                        message=error["msg"] if kind == "sev4" else _describe(key, value, error["msg"], kind),
                    )
                )
    return result


def _locate(root: yaml.Node | None, data: dict[str, Any], loc: tuple[int | str, ...]) -> tuple[list[str], object, int]:
    """An error's place in the front matter: its key path as written (`ai.harm`, `reports.0.submitted`;
    pydantic's own steps, such as a union's branch, left out), the value there (for a mapping's bad
    key, the key), and the line of the deepest part found."""
    path: list[str] = []
    node: yaml.Node | None = root
    value: object = data
    line = 1
    for index, step in enumerate(loc):
        last = index == len(loc) - 1
        if step == "[key]":  # the key of a mapping is what is wrong: report the key, at its line
            value = path.pop() if path else value
            break
        if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
            pair = next(((k, v) for k, v in node.value if str(k.value) == str(step)), None)
            if pair is not None:
                line = pair[0].start_mark.line + 2
                node, value = pair[1], value.get(pair[0].value, value.get(str(step)))
                path.append(str(step))
            elif last:  # a missing key
                path.append(str(step))
                node, value = None, None
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 2
            value = value[step] if isinstance(value, list) and step < len(value) else None
            path.append(f"[{step}]")
        elif not path:
            path.append(str(step))
    return path, value, line


def _load_yaml(source: str, result: MetaResult) -> tuple[dict[str, Any], yaml.Node | None] | None:
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is not None and "*" in source and _expanded_size(node) > MAX_YAML_NODES:  # `*` marks an alias
            result.problems.append(
                MetaProblem(
                    line=2,
                    kind="yaml",
                    message=f"the front matter's YAML aliases expand to more than {MAX_YAML_NODES:,} values",
                )
            )
            return None
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark, problem = _where(exc, source)
        line = mark.line + 2 if mark else 1  # +1 for the `---` line, +1 to count from one
        result.problems.append(
            MetaProblem(line=line, kind="yaml", message=f"front matter is not valid YAML: {problem}")
        )
        return None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        result.problems.append(MetaProblem(line=1, kind="yaml", message=f"front matter is not valid YAML: {exc}"))
        return None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        result.problems.append(
            MetaProblem(line=2, kind="yaml", message="front matter must be a mapping of `key: value` lines")
        )
        return None
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            result.key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    return {str(key): value for key, value in data.items()}, node


# PyYAML's contexts whose mark is where the unfinished thing was opened: the line to fix when the
# problem only shows later (at the end of the front matter, or on a line after an unclosed `[`).
_OPENED = {
    "while scanning a quoted scalar": "a quoted value opened on this line is never closed",
    "while parsing a flow sequence": "a `[` opened on this line is never closed",
    "while parsing a flow mapping": "a `{` opened on this line is never closed",
}


def _where(exc: yaml.MarkedYAMLError, source: str) -> tuple[yaml.Mark | None, str]:
    """The mark of the line a person would fix, and what is wrong there.

    PyYAML marks where it noticed the problem; for a quote or bracket left open that is the end of
    the front matter or a later line, so the context's mark, where it was opened, is used instead.
    """
    problem = (exc.problem or str(exc)).strip()
    mark, context, opened = exc.problem_mark, exc.context_mark, _OPENED.get(exc.context or "")
    at_end = mark is not None and mark.index >= len(source.rstrip())
    if context is not None and (opened or at_end) and (mark is None or context.line < mark.line):
        return context, f"{opened} ({problem})" if opened else f"{problem} {exc.context}"
    return mark or context, problem


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the document has once aliases are expanded, counting no further than the limit."""
    count, stack = 0, [root]
    while stack and count <= MAX_YAML_NODES:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return count


# What a value of these keys is when it is wrong; how to write it is the rule's fix (PM103).
_NOT_A = {
    "agent": "a lowercase slug",
    "severity": "a severity of the template",
    "status": "a status of the template",
    "eu_ai_act_category": "an Article 73 category",
}


def _describe(key: str | None, value: object, reason: str, kind: str = "") -> str:
    """What is wrong with a front-matter value, without how to fix it (the rule's fix says that)."""
    shown = repr(value) if not isinstance(value, str) else f"'{value}'"
    reason = reason.removeprefix("Value error, ")
    if kind == "string_pattern_mismatch" and key and key.startswith("ai.atlas"):
        return f"`{key}` {shown} is not a MITRE ATLAS technique id"
    if kind in ("literal_error", "enum") and key and key.startswith(("ai.", "reports")):
        return f"`{key}` {shown} is not one of its values"
    if kind == "date_range":  # a real date, as written, outside the range `dates.in_range` reads
        return f"`{key}` {out_of_range(shown)}"
    if key in _NOT_A:
        return f"`{key}` {shown} is not {_NOT_A[key]}"
    if key in ("incident_date", "date", "awareness_date") and isinstance(value, str | int | float):
        return f"`{key}` {shown} is not a valid date ({reason})"
    return f"`{key}` {shown} is invalid: {reason}"
