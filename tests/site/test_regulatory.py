"""The regulatory register, the report drafts and the AI profile in a real build: what a reader and an
auditor's script see in the HTML and the exports."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_postmortem.drafts import DraftsDocument
from mkdocs_postmortem.render.exports import ExportDocument
from tests.conftest import as_agent, fixture_text, run_mkdocs, write_site

VALID = fixture_text("valid.md")
ART73_NA = "N/A — not a high-risk system, and no harm to health or fundamental rights."

# Article 73: aware 2026-09-03 → due 2026-09-18; an initial report on time, the complete one pending.
CLINICAL = as_agent(VALID, "clinical-intake").replace(ART73_NA, "Applicable — serious harm to a person's health.")
CLINICAL = (
    CLINICAL.replace("title: Cross-tenant retrieval in support replies", "title: Urgent symptoms routed as routine")
    .replace(
        "GDPR Article 33 — Applicable. Notified within 72 hours.",
        "Medical device regulations — Applicable. Vigilance report filed.",
    )
    .replace(
        "reports: [{regulation: gdpr_art33, kind: initial, submitted: 2026-09-05, authority: ICO}]",
        "ai: {system: intake-v2, provider: Anthropic, model: claude-sonnet-4, model_version: '2025-05-14', "
        "autonomy: acts_autonomously, deployment: public, harm: {health: actual}, affected: 14}\n"
        "reports:\n  - {regulation: eu_ai_act_art73, kind: initial, submitted: 2026-09-16, authority: MSA, reference: MSA-77}",
    )
)
# GDPR: detected Friday 2026-09-04 10:00 → due Monday 2026-09-07 10:00; nothing recorded; judged on the 22nd.
BREACH = (
    as_agent(VALID, "hr-bot")
    .replace("title: Cross-tenant retrieval", "title: HR records in the wrong replies, cross-tenant retrieval")
    .replace(
        "reports: [{regulation: gdpr_art33, kind: initial, submitted: 2026-09-05, authority: ICO}]",
        "detected_at: 2026-09-04 10:00\nai: {data_exposed: personal, harm: {psychological: potential}, autonomy: suggests}",
    )
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("regulatory")
    pages = {"postmortems/clinical.md": CLINICAL, "postmortems/breach.md": BREACH, "postmortems/plain.md": VALID}
    write_site(root, pages, options={"today": "2026-09-22", "regulation": {"contact": "dpo@example.com"}})
    result = run_mkdocs("build", cwd=root)
    assert result.returncode == 1, result.stderr  # the overdue GDPR report is an error
    assert (
        "breach.md:" in result.stderr
        and "PM513 error: a GDPR Article 33 report is due by 2026-09-07 10:00 UTC" in result.stderr
    )
    # The error fails the build: rebuild with it waived, to read the site an auditor would.
    waived = BREACH.replace(
        "status: open\n", 'status: open\naccept: [{rule: PM513, reason: "test: read the site"}]\n', 1
    )
    (root / "docs/postmortems/breach.md").write_text(waived, encoding="utf-8")
    result = run_mkdocs("build", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def text_of(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "html.parser")


def rows_of(soup: BeautifulSoup, table_id: str) -> dict[str, list[str]]:
    """The rows of the table with this id, or of the first table after the element with it."""
    table = soup.find(id=table_id)
    assert table is not None, table_id
    table = table if table.find("table") else table.find_next("table")
    headers = [th.get_text(" ", strip=True) for th in table.find_all("th")]
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        rows[cells[0]] = dict(zip(headers, cells, strict=True))
    return rows  # type: ignore[return-value]


def test_the_register_shows_each_clock_and_report(site: Path) -> None:
    soup = text_of(site, "postmortems/regulatory-register")
    rows = rows_of(soup, "register-reports")
    assert len(rows) == 3  # clinical (Article 73), breach (GDPR) and the plain fixture (its GDPR report)
    texts = {title: row["Reports owed"] for title, row in rows.items()}
    clinical = rows["Urgent symptoms routed as routine"]
    assert any(
        "EU AI Act Article 73 due 2026-09-18 (15 days, general, from awareness on 2026-09-03): "
        "submitted 2026-09-16 (on time); complete report pending" in text
        for text in texts.values()
    ), texts
    assert any(
        "GDPR Article 33 due 2026-09-07 10:00 UTC (72 hours from awareness on 2026-09-04): not submitted: 15 days overdue"
        in text
        for text in texts.values()
    ), texts
    assert any("submitted 2026-09-05 (on time)" in text for text in texts.values()), texts
    assert any(
        row["Reports made"] == "EU AI Act Article 73 — initial report, 2026-09-16 (MSA, MSA-77)"
        for row in rows.values()
    )
    assert clinical["Draft"] == "draft"
    overdue = soup.select(".pm-clock-overdue")
    assert [span.get_text(" ", strip=True).split(" due")[0] for span in overdue] == ["GDPR Article 33"]
    assert "applies it to incidents from 2026-08-02" in soup.get_text(" ")


def test_every_draft_link_lands_on_its_draft(site: Path) -> None:
    register = text_of(site, "postmortems/regulatory-register")
    links = [a["href"] for a in register.find(id="register-reports").find_all("a") if a.get_text() == "draft"]
    assert len(links) == 3
    for href in links:
        assert href.startswith("#draft-")
        assert register.find(id=href[1:]) is not None, href


def test_a_draft_is_prefilled_and_marked_for_legal_review(site: Path) -> None:
    soup = text_of(site, "postmortems/regulatory-register")
    text = soup.get_text(" ", strip=True)
    assert "Report drafts (3)" in text and "Drafts for legal review — not legal advice" in text
    section = soup.find(id="draft-clinical")
    assert section is not None
    heading = section.find_parent(["h3"])
    assert heading.get_text(" ", strip=True).startswith("Draft: Urgent symptoms routed as routine")
    body = []
    for sibling in heading.find_next_siblings():
        if sibling.name in ("h2", "h3"):
            break
        body.append(sibling.get_text(" ", strip=True))
    draft = " ".join(body)
    assert "DRAFT — for legal review." in draft
    for expected in (
        "Provider Anthropic",
        "AI system intake-v2 — model claude-sonnet-4, version 2025-05-14",
        "Deployment and autonomy Public; Acts autonomously",
        "Article 3(49) category Serious harm to health — Art. 3(49)(a)",
        "Persons affected 14",
        "Contact dpo@example.com",
        "Reports made EU AI Act Article 73 — initial report, 2026-09-16 (MSA, MSA-77)",
    ):
        assert expected in draft, expected
    assert "Root cause." in draft and "Corrective measures." in draft
    json_link = heading.find_next("a", string="report-drafts.json")
    assert (site / "postmortems/regulatory-register" / json_link["href"]).resolve() == (
        site / "postmortems/report-drafts.json"
    )


def test_the_drafts_and_the_json_export_round_trip(site: Path) -> None:
    drafts = DraftsDocument.model_validate_json((site / "postmortems/report-drafts.json").read_text(encoding="utf-8"))
    assert {d.slug for d in drafts.drafts} == {"clinical", "breach", "plain"}
    breach = next(d for d in drafts.drafts if d.slug == "breach")
    assert [(c.regulation, c.state, c.due_text) for c in breach.clocks] == [
        ("gdpr_art33", "overdue", "2026-09-07 10:00 UTC")
    ]
    export = ExportDocument.model_validate_json((site / "postmortems/postmortems.json").read_text(encoding="utf-8"))
    by_agent = {pm.agent: pm for pm in export.postmortems}
    clinical = by_agent["clinical-intake"]
    assert clinical.ai == {
        "system": "intake-v2",
        "provider": "Anthropic",
        "model": "claude-sonnet-4",
        "model_version": "2025-05-14",
        "autonomy": "acts_autonomously",
        "deployment": "public",
        "harm": {"health": "actual"},
        "affected": 14,
    }
    assert clinical.reports == [
        {
            "regulation": "eu_ai_act_art73",
            "kind": "initial",
            "submitted": "2026-09-16",
            "authority": "MSA",
            "reference": "MSA-77",
        }
    ]
    assert [(c.regulation, c.state, c.complete_pending) for c in clinical.clocks] == [
        ("eu_ai_act_art73", "on_time", True)
    ]
    assert by_agent["support-triage-bot"].ai is None


def test_the_published_schema_takes_the_profile_and_rejects_a_typo(site: Path) -> None:
    schema = json.loads((site / "postmortems/postmortem.schema.json").read_text(encoding="utf-8"))
    front = yaml.safe_load(CLINICAL.split("---\n")[1])
    front = json.loads(json.dumps(front, default=str))
    jsonschema.validate(front, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**front, "ai": {**front["ai"], "autonomy": "full"}}, schema)


def test_the_agents_page_counts_incidents_by_profile(site: Path) -> None:
    soup = text_of(site, "postmortems/agents")
    harm = rows_of(soup, "by-harm")
    assert harm["Serious harm to health — Art. 3(49)(a) (actual)"]["Incidents"] == "1"
    assert harm["Psychological harm (potential)"]["Incidents"] == "1"
    assert harm["not recorded"]["Incidents"] == "1"
    autonomy = rows_of(soup, "by-autonomy")
    assert {label: row["Incidents"] for label, row in autonomy.items()} == {
        "Suggests (a person acts)": "1",
        "Acts autonomously": "1",
        "not recorded": "1",
    }
    assert "Latest AI profile: claude-sonnet-4 2025-05-14 by Anthropic; acts autonomously; public" in soup.get_text(" ")


def test_the_card_says_how_the_agent_acted_and_what_harm_it_did(site: Path) -> None:
    card = text_of(site, "postmortems/clinical").select_one(".pm-card-profile")
    assert card is not None
    assert card.get_text(" ", strip=True) == (
        "AI: claude-sonnet-4 2025-05-14 by Anthropic; acts autonomously; public; harm: health (actual)"
    )
    assert text_of(site, "postmortems/plain").select_one(".pm-card-profile") is None  # no profile, no line
