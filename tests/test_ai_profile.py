"""The AI-incident profile (`ai:`) and the `reports:` list: valid and invalid values with their lines, and
the rules that hold the profile to the page's text."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from mkdocs_postmortem.model import front_matter_schema
from mkdocs_postmortem.parse import parse_postmortem
from mkdocs_postmortem.profile import Affected, Harm

from .conftest import check_text, fixture_text

FULL_PROFILE = """ai:
  system: support-triage
  provider: Anthropic
  model: claude-sonnet-4
  model_version: "2025-05-14"
  deployment: customer_facing
  autonomy: acts_autonomously
  authority: [data_access, external_comms]
  tools: [ticket_search, reply_sender]
  harm: {reputational: actual, psychological: potential}
  near_miss: false
  affected: {estimate: 19, basis: replies sent in the window}
  data_exposed: personal
  atlas: [AML.T0057, AML.T0051.000]
reports:
  - {regulation: gdpr_art33, kind: initial, submitted: 2026-09-05, authority: ICO, reference: IC-1}
"""


def with_front(extra: str, text: str | None = None) -> str:
    """The valid post-mortem with these lines after `status:` (line 8 onwards)."""
    text = text or fixture_text("valid.md")
    if "reports:" in extra:  # the page's own reports give way
        text = text.replace(
            "reports: [{regulation: gdpr_art33, kind: initial, submitted: 2026-09-05, authority: ICO}]\n", ""
        )
    return text.replace("status: open\n", f"status: open\n{extra}", 1)


def test_a_full_profile_is_read_as_written() -> None:
    pm = parse_postmortem("pm.md", with_front(FULL_PROFILE))
    assert pm.meta is not None and pm.meta.ai is not None
    profile = pm.meta.ai
    assert profile.autonomy == "acts_autonomously"
    assert profile.harm == {Harm.REPUTATIONAL: "actual", Harm.PSYCHOLOGICAL: "potential"}
    assert profile.affected == Affected(estimate=19, basis="replies sent in the window")
    assert profile.affected_text == "about 19 (basis: replies sent in the window)"
    assert profile.atlas == ["AML.T0057", "AML.T0051.000"]
    assert pm.meta.reports[0].submitted == dt.date(2026, 9, 5)
    findings = check_text(with_front(FULL_PROFILE))
    assert [f for f in findings if f.rule in ("PM103", "PM105", "PM503", "PM504", "PM505", "PM513")] == []


def test_harm_may_be_none_or_a_list_of_actual_harms() -> None:
    assert parse_postmortem("pm.md", with_front("ai: {harm: none}\n")).meta.ai.harms == []  # type: ignore[union-attr]
    listed = parse_postmortem("pm.md", with_front("ai: {harm: [financial, property]}\n")).meta.ai  # type: ignore[union-attr]
    assert listed.harm == {Harm.FINANCIAL: "actual", Harm.PROPERTY: "actual"}
    assert listed.serious_harms == [Harm.PROPERTY]


# Each field's bad value, at the line it is on (the profile starts on line 8 of the page).
@pytest.mark.parametrize(
    ("lines", "line", "message", "fix"),
    [
        ("ai:\n  deployment: everywhere\n", 9, "`ai.deployment` 'everywhere' is not one of its values", "internal"),
        ("ai:\n  autonomy: full\n", 9, "`ai.autonomy` 'full' is not one of its values", "acts_with_approval"),
        ("ai:\n  authority: [funds, teleport]\n", 9, "`ai.authority[1]` 'teleport' is not one of", "code_execution"),
        ("ai:\n  harm:\n    finanical: actual\n", 10, "`ai.harm` 'finanical' is not one of its values", "actual"),
        ("ai:\n  harm:\n    financial: maybe\n", 10, "`ai.harm.financial` 'maybe' is not one of", "potential"),
        ("ai:\n  harm: [none, financial]\n", 9, "`none` beside other harms", "actual"),
        ("ai:\n  near_miss: sometimes\n", 9, "`ai.near_miss` 'sometimes' is invalid", "true or false"),
        ("ai:\n  affected: 1.5k\n", 9, "`ai.affected` '1.5k' is invalid: not a whole count", "estimate"),
        ("ai:\n  affected: -3\n", 9, "`ai.affected` -3 is invalid", "estimate"),
        ("ai:\n  affected: {estimate: 40}\n", 9, "`ai.affected.basis` is missing", ""),
        ("ai:\n  data_exposed: secret\n", 9, "`ai.data_exposed` 'secret' is not one of its values", "special_category"),
        ("ai:\n  atlas: [AML.T51]\n", 9, "`ai.atlas[0]` 'AML.T51' is not a MITRE ATLAS technique id", "AML.T0051"),
        ("ai:\n  tools: [ok, '']\n", 9, "`ai.tools[1]` '' is invalid", "tools"),
        ("ai:\n  autonmy: suggests\n", 9, "`ai.autonmy` is not a key this tool knows", "did you mean `autonomy`?"),
        ("ai: yes\n", 8, "`ai` True is invalid", "mapping"),
        (
            "reports:\n  - regulation: gdpr\n    submitted: 2026-09-05\n",
            9,
            "`reports[0].regulation` 'gdpr'",
            "gdpr_art33",
        ),
        (
            "reports:\n  - regulation: other\n    kind: final\n    submitted: 2026-09-05\n",
            10,
            "`reports[0].kind`",
            "complete",
        ),
        (
            "reports:\n  - regulation: other\n    submitted: 2026-13-01\n",
            10,
            "`reports[0].submitted` '2026-13-01'",
            "YYYY-MM-DD",
        ),
        ("reports:\n  - regulation: other\n", 9, "`reports[0].submitted` is missing", ""),
        (
            "reports:\n  - {regulation: other, submitted: 2026-09-05, sent_by: Jo}\n",
            9,
            "`reports[0].sent_by` is not a key",
            "keys of `reports`",
        ),
    ],
)
def test_each_bad_value_is_a_finding_at_its_line(lines: str, line: int, message: str, fix: str) -> None:
    found = [f for f in check_text(with_front(lines)) if f.rule in ("PM102", "PM103")]
    assert any(f.line == line and message in f.message and fix in f.fix for f in found), [
        (f.line, f.message, f.fix) for f in found
    ]


def test_a_site_can_require_profile_fields_per_severity() -> None:
    required = {"required": {"sev 1": ["autonomy", "harm", "data_exposed"]}}
    (missing,) = [f for f in check_text(fixture_text("valid.md"), ai_profile=required) if f.rule == "PM109"]
    assert missing.line == 1
    assert (
        "no `ai:` profile with `autonomy`, `harm`, `data_exposed`, which this site requires for Sev-1"
        in missing.message
    )
    partial = with_front("ai:\n  autonomy: suggests\n")
    (lacking,) = [f for f in check_text(partial, ai_profile=required) if f.rule == "PM109"]
    assert lacking.line == 8 and "lacks `harm`, `data_exposed`" in lacking.message
    sev2 = (
        fixture_text("valid.md")
        .replace("severity: Sev-1", "severity: Sev-2", 1)
        .replace("**Severity:** Sev-1", "**Severity:** Sev-2")
    )
    assert [f for f in check_text(sev2, ai_profile=required) if f.rule == "PM109"] == []
    assert [f for f in check_text(fixture_text("valid.md")) if f.rule == "PM109"] == []  # nothing required by default


def test_the_ai_profile_option_names_real_fields_and_severities() -> None:
    from mkdocs_postmortem.settings import ConfigError, Settings

    with pytest.raises(ValueError, match="autonmy not a field of `ai:`"):
        Settings(ai_profile={"required": {"Sev-1": ["autonmy"]}})  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="ai_profile: required: Sev-9: 'Sev-9' is not a severity"):
        Settings(ai_profile={"required": {"Sev-9": ["harm"]}}).context()  # type: ignore[arg-type]


def test_personal_data_exposed_needs_data_protection_in_the_regulatory_section() -> None:
    text = with_front("ai: {data_exposed: personal}\n").replace(
        "GDPR Article 33 — Applicable. Notified within 72 hours.", "N/A — no regulated sector is involved here."
    )
    (error,) = [f for f in check_text(text) if f.rule == "PM503"]
    assert error.level.value == "error"
    assert error.line == text.splitlines().index("## 9. Regulatory considerations") + 1
    assert "never mentions data protection" in error.message
    assert [f for f in check_text(with_front("ai: {data_exposed: personal}\n")) if f.rule == "PM503"] == []


def test_actual_harm_beside_no_customer_impact_is_a_warning() -> None:
    text = with_front("ai: {harm: {financial: actual}}\n").replace(
        "| Customer impact | 19 customers received other customers' data |", "| Customer impact | None |"
    )
    (warning,) = [f for f in check_text(text) if f.rule == "PM504"]
    assert warning.level.value == "warning"
    assert text.splitlines()[warning.line - 1] == "| Customer impact | None |"
    potential = text.replace("financial: actual", "financial: potential")
    assert [f for f in check_text(potential) if f.rule == "PM504"] == []


def test_serious_harm_beside_an_article_73_na_is_a_warning() -> None:
    text = with_front("ai: {harm: {fundamental_rights: actual}}\n")
    (warning,) = [f for f in check_text(text) if f.rule == "PM505"]
    assert "Article 3(49) harm (fundamental_rights)" in warning.message
    assert text.splitlines()[warning.line - 1].startswith("- **EU AI Act Article 73")


def test_the_schema_completes_the_profile_and_rejects_unknown_keys() -> None:
    schema = front_matter_schema()
    ai = schema["$defs"]["AiProfile"]  # type: ignore[index]
    assert ai["additionalProperties"] is False
    assert ai["properties"]["autonomy"]["anyOf"][0]["enum"] == ["suggests", "acts_with_approval", "acts_autonomously"]
    report = schema["$defs"]["FiledReport"]  # type: ignore[index]
    assert report["properties"]["regulation"]["enum"] == ["eu_ai_act_art73", "gdpr_art33", "other"]
    assert report["required"] == ["regulation", "submitted"]


def test_editors_flag_an_unknown_key_as_the_build_does() -> None:
    import jsonschema
    import yaml

    schema = front_matter_schema()
    front = yaml.safe_load(fixture_text("valid.md").split("---\n")[1])
    front = json.loads(json.dumps(front, default=str))  # dates as the text YAML has them
    jsonschema.validate({**front, "hide": ["toc"], "ai": {"autonomy": "suggests"}}, schema)  # Material's keys are known
    with pytest.raises(jsonschema.ValidationError, match="incident_dat"):
        jsonschema.validate({**front, "incident_dat": "2026-09-03"}, schema)
    with pytest.raises(jsonschema.ValidationError, match="autonmy"):
        jsonschema.validate({**front, "ai": {"autonmy": "suggests"}}, schema)
    assert [f.rule for f in check_text(with_front("incident_dat: 2026-09-03\n")) if f.rule == "PM105"] == ["PM105"]
