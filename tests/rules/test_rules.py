"""Every rule: a page that breaks only that rule gets exactly that finding, at the right line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from mkdocs_postmortem.checker import Checker, Settings
from mkdocs_postmortem.rules import RULES
from tests.conftest import FIXTURES, TODAY, check_text, fixture_text

VALID = fixture_text("valid.md")


@dataclass
class Case:
    rule: str
    name: str
    mutate: Callable[[str], str | bytes]
    lines: list[str]  # a text on each expected finding's line, in the mutated page
    today: dt.date = dt.date(2026, 9, 20)
    options: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.rule}-{self.name}"


def replace(*pairs: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        for old, new in zip(pairs[::2], pairs[1::2], strict=True):
            assert old in text, old
            text = text.replace(old, new, 1)
        return text

    return mutate


ART73_NA = "N/A — not a high-risk system, and no harm to health or fundamental rights."
ART73_APPLICABLE = "Applicable — serious harm to a person's health."
GDPR_LINE = "GDPR Article 33 — Applicable. Notified within 72 hours."
NO_SECTOR = "N/A — no regulated sector is involved here."
IMPACT_LINE = "| Customer impact | 19 customers received other customers' data |"
GDPR_REPORT = "reports: [{regulation: gdpr_art33"
ART73_REPORT = "reports: [{regulation: eu_ai_act_art73, kind: complete, submitted: 2026-09-10}, {regulation: gdpr_art33"
TIMELINE = VALID[VALID.index("| Time (UTC)") : VALID.index("## 3. Impact")]
ACTIONS = VALID[VALID.index("| # | Action") : VALID.index("## 8. Communications")]

CASES = [
    Case(
        "PM001",
        "not-utf8",
        lambda t: t.replace("Pat Lee", "Pat L\udcffe").encode("utf-8", "surrogateescape"),
        ["| Reviewer (Security)"],
    ),
    Case(
        "PM003",
        "heading-runs-on",
        replace("completed |\n\n## 3. Impact", "completed |\n## 3. Impact"),
        ["## 3. Impact"],
    ),
    Case(
        "PM003",
        "list-after-text",
        replace("## 5. What went wrong\n", "## 5. What went wrong\nTwo gaps:\n"),
        ["- The index build has no"],
    ),
    Case(
        "PM004",
        "two-space-nesting",
        replace("\n- Supervisory authority", "\n  - Supervisory authority"),
        ["  - Supervisory"],
    ),
    Case(
        "PM002",
        "no-reason",
        replace("| # | Action", "<!-- postmortem: disable PM403 -->\n| # | Action"),
        ["<!-- postmortem"],
    ),
    Case(
        "PM002",
        "unknown-rule",
        replace("| # | Action", '<!-- postmortem: disable PM999 reason="x" -->\n| # | Action'),
        ["<!-- postmortem"],
    ),
    Case("PM002", "accept-no-reason", replace("status: open\n", "status: open\naccept: [PM409]\n"), ["accept:"]),
    Case(
        "PM006",
        "title",
        replace("title: Cross-tenant retrieval in support replies\n", "", "# Post-Mortem —", "# Post-Mortem\x01 —"),
        ["# Post-Mortem"],
    ),
    Case(
        "PM006",
        "summary-second-paragraph",
        replace(" Root cause: the index", "\n\nRoot cause:\x1b[2J the index"),
        ["Root cause:"],
    ),
    Case(
        "PM006",
        "action-cells",
        replace("| Filter retrieval", "| Filter\x7f retrieval", "| Platform Lead |", "| Platform\x0c Lead |"),
        ["| 2 | Filter"],
    ),
    Case("PM006", "front-matter-escape", replace("tags: [pii, retrieval]", 'tags: [pii, "retr\\x85ieval"]'), ["tags:"]),
    Case("PM101", "yaml-syntax", replace("author: Morteza Moradi", "author: Morteza: Moradi"), ["author: Morteza"]),
    Case("PM101", "no-front-matter", lambda t: t[t.index("# Post-Mortem") :], ["# Post-Mortem"]),
    Case("PM101", "four-dashes", replace("---\nagent", "----\nagent"), ["----"]),
    Case("PM102", "author-missing", replace("author: Morteza Moradi\n", ""), ["---"]),
    Case("PM103", "bad-date", replace("incident_date: 2026-09-03", "incident_date: 2026-13-45"), ["incident_date:"]),
    Case("PM103", "bad-agent", replace("agent: support-triage-bot", "agent: Support Triage Bot"), ["agent:"]),
    Case("PM104", "sev4", replace("severity: Sev-1", "severity: SEV 4"), ["severity:"]),
    Case("PM105", "typo", replace("status: open\n", "status: open\nincident_dat: 2026-09-03\n"), ["incident_dat:"]),
    Case("PM106", "severity-differs", replace("**Severity:** Sev-1", "**Severity:** Sev-2"), ["**Severity:**"]),
    Case(
        "PM201",
        "missing",
        replace("## 4. What went well\n- The kill switch paused the agent within 15 minutes of the report.\n", ""),
        ["## 5. What went wrong"],
    ),
    Case("PM201", "near-miss", replace("## 7. Action items", "## 7. Acton items"), ["## 7. Acton items"]),
    Case(
        "PM201",
        "empty",
        replace("- The kill switch paused the agent within 15 minutes of the report.\n", ""),
        ["## 4. What went well"],
    ),
    Case(
        "PM202",
        "placeholder",
        replace("- The kill switch paused the agent within 15 minutes of the report.", "- [Item 1]"),
        ["- [Item 1]"],
    ),
    Case(
        "PM203",
        "two-sentences",
        replace(
            " The agent was paused at 15:40 and the index rebuilt the same evening.",
            "",
            " A retrieval index rebuild had dropped the tenant filter.",
            "",
        ),
        ["On 2026-09-03"],
    ),
    Case("PM301", "no-table", replace(TIMELINE, "See the incident channel.\n\n"), ["## 2. Timeline"]),
    Case("PM302", "bad-time", replace("| 2026-09-03 13:30 |", "| 13:30 |"), ["| 13:30 |"]),
    Case("PM303", "out-of-order", replace("| 2026-09-03 15:40 |", "| 2026-09-03 15:00 |"), ["| 2026-09-03 15:00 |"]),
    Case(
        "PM311",
        "no-customer-row",
        replace("| Customer impact | 19 customers received other customers' data |\n", ""),
        ["## 3. Impact"],
    ),
    Case(
        "PM311",
        "blank-regulatory",
        replace("| Regulatory exposure | GDPR personal data breach, notified |", "| Regulatory exposure | |"),
        ["| Regulatory exposure"],
    ),
    Case(
        "PM321",
        "names-a-person",
        replace(
            "- Retrieval results are not filtered a second time at query time.",
            "- Tomasz didn't filter retrieval results at query time.",
        ),
        ["- Tomasz"],
    ),
    Case(
        "PM321",
        "human-error",
        replace(
            "- Retrieval results are not filtered a second time at query time.", "- Human error during the rebuild."
        ),
        ["- Human error"],
    ),
    Case(
        "PM331",
        "four-whys",
        replace("- Q: Why did nothing catch it? A: Index tests cover recall, not isolation.\n", ""),
        ["## 6. Root cause"],
    ),
    Case(
        "PM331",
        "unanswered",
        replace(
            "- Q: Why did nothing catch it? A: Index tests cover recall, not isolation.",
            "- Q: Why did nothing catch it?",
        ),
        ["- Q: Why did nothing catch it?"],
    ),
    Case(
        "PM332",
        "no-systemic-cause",
        replace("**Underlying systemic cause:** Tenant isolation is enforced in one place and tested nowhere.\n", ""),
        ["## 6. Root cause"],
    ),
    Case("PM401", "no-table", replace(ACTIONS, "We will follow up.\n\n"), ["## 7. Action items"]),
    Case("PM402", "no-owner", replace("| Hotfix | Priya Raman |", "| Hotfix | |"), ["| 1 | Restore"]),
    Case("PM403", "two-owners", replace("| Platform Lead |", "| Platform Lead and Security |"), ["| 2 | Filter"]),
    Case("PM404", "due-not-date", replace("| 2026-10-15 |", "| next sprint |"), ["| 2 | Filter"]),
    Case("PM405", "unknown-status", replace("| In progress |", "| Maybe |"), ["| 2 | Filter"]),
    Case(
        "PM406",
        "closed-with-open",
        replace("status: open", "status: closed", "**Status:** Open", "**Status:** Closed"),
        ["| 2 | Filter", "| 3 | Add"],
    ),
    Case(
        "PM407",
        "open-all-done",
        replace(
            "| In progress |", "| Done |", "| 2026-09-30 | Open |", "| 2026-09-30 | Won't do — replaced by item 2 |"
        ),
        ["status: open"],
    ),
    Case(
        "PM408",
        "vague",
        replace("Filter retrieval results by tenant at query time", "Improve monitoring"),
        ["| 2 | Improve"],
    ),
    Case(
        "PM409",
        "no-upstream",
        replace(
            "Add cross-tenant retrieval to the runbook (template 09)",
            "Add cross-tenant retrieval diagnostics to the on-call dashboard",
        ),
        ["## 7. Action items"],
    ),
    Case(
        "PM411",
        "not-in-people-file",
        replace("| CoE Lead | 2026-09-30 |", "| Coe Leed | 2026-09-30 |"),
        ["| 3 | Add"],
        options={"owners": str(FIXTURES / "owners.yml")},
    ),
    Case("PM410", "overdue", lambda t: t, ["| 3 | Add"], today=dt.date(2026, 10, 1)),
    Case("PM501", "no-audit-line", replace("- **Internal audit:** Notified 2026-09-04.\n", ""), ["## 9. Regulatory"]),
    Case("PM502", "bare-na", replace("Notified 2026-09-04.", "N/A."), ["- **Internal audit:**"]),
    Case(
        "PM502",
        "labelled-na",
        replace("GDPR Article 33 — Applicable. Notified within 72 hours.", "Consumer protection — N/A."),
        ["- **Sector regulations:**"],
    ),
    Case(
        "PM503",
        "personal-data",
        replace("tags: [pii", "ai: {data_exposed: personal}\ntags: [pii", GDPR_LINE, NO_SECTOR),
        ["## 9. Regulatory"],
    ),
    Case(
        "PM504",
        "harm-no-impact",
        replace("tags: [pii", "ai: {harm: [financial]}\ntags: [pii", IMPACT_LINE, "| Customer impact | None |"),
        ["| Customer impact"],
    ),
    Case(
        "PM505",
        "serious-harm-na",
        replace("tags: [pii", "ai: {harm: {fundamental_rights: actual}}\ntags: [pii", GDPR_REPORT, ART73_REPORT),
        ["- **EU AI Act Article 73"],
    ),
    Case(
        "PM511",
        "report-due",
        replace(ART73_NA, ART73_APPLICABLE),
        ["- **EU AI Act Article 73"],
        today=dt.date(2026, 9, 12),
    ),
    Case(
        "PM512",
        "report-due-soon",
        replace(ART73_NA, ART73_APPLICABLE),
        ["- **EU AI Act Article 73"],
        today=dt.date(2026, 9, 18),
    ),
    Case("PM513", "report-overdue", replace(ART73_NA, ART73_APPLICABLE), ["- **EU AI Act Article 73"]),
    Case(
        "PM514",
        "complete-pending",
        replace(
            ART73_NA,
            ART73_APPLICABLE,
            "initial, submitted: 2026-09-05",
            "initial, submitted: 2026-09-05}, {regulation: eu_ai_act_art73, submitted: 2026-09-10",
        ),
        ["reports:"],
    ),
    Case(
        "PM601", "no-security-row", replace("| Reviewer (Security) | Pat Lee | 2026-09-10 |\n", ""), ["## 10. Sign-off"]
    ),
    Case("PM601", "blank-date", replace("| Pat Lee | 2026-09-10 |", "| Pat Lee | |"), ["| Reviewer (Security)"]),
    Case(
        "PM602",
        "signed-before",
        replace("| Alicia Gomez | 2026-09-10 |", "| Alicia Gomez | 2026-09-08 |"),
        ["| Reviewer (Department)"],
    ),
    Case("PM109", "profile-required", lambda t: t, ["---"], options={"ai_profile": {"required": {"Sev-1": ["harm"]}}}),
    Case("PM701", "late", replace("incident_date: 2026-09-03", "incident_date: 2026-08-31"), ["date: 2026-09-09"]),
    Case(
        "PM701",
        "draft-overdue",
        replace("status: open", "status: draft", "**Status:** Open", "**Status:** Draft"),
        ["status: draft"],
    ),
]


def line_of(text: str, marker: str) -> int:
    index = text.index(marker)
    return text[:index].count("\n") + 1


def test_valid_page_has_no_findings() -> None:
    assert check_text(VALID) == []


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_breaks_alone(case: Case) -> None:
    mutated = case.mutate(VALID)
    findings = check_text(mutated, today=case.today, **case.options)
    shown = mutated.decode("utf-8", "replace") if isinstance(mutated, bytes) else mutated
    expected = [(case.rule, line_of(shown, marker)) for marker in case.lines]
    assert [(f.rule, f.line) for f in findings] == expected, [f.format() for f in findings]
    for finding in findings:
        assert finding.message and finding.fix and "—" in finding.format()


def test_every_rule_has_a_case() -> None:
    library_wide = {"PM107"}  # tested below, with several pages
    rendered = {"PM005"}  # only a build renders pages: tests/site/test_fidelity.py
    own_template = {"PM204"}  # only a site's own template asks for it: tests/test_own_template.py
    legacy = {"PM108"}  # only legacy pages: tests/test_legacy.py
    tickets = {
        f"PM42{n}" for n in range(1, 9)
    }  # with tickets and their states: tests/test_tickets.py, test_ticket_drift.py
    assert {case.rule for case in CASES} | library_wide | rendered | own_template | legacy | tickets == set(RULES.ids())


def test_duplicate_incident_needs_two_pages() -> None:
    checker = Checker(Settings(today=TODAY))
    other = VALID.replace("title: Cross-tenant", "title: Again, cross-tenant")
    results = checker.check_all({"a.md": VALID.encode(), "b.md": other.encode()})
    line = line_of(VALID, "incident_date:")
    assert [(f.rule, f.line, f.message.split(" is about")[0]) for f in results["a.md"].findings] == [
        ("PM107", line, "b.md")
    ]
    assert [(f.rule, f.message.split(" is about")[0]) for f in results["b.md"].findings] == [("PM107", "a.md")]
    different = other.replace("incident_date: 2026-09-03", "incident_date: 2026-09-02")
    assert all(not r.findings for r in checker.check_all({"a.md": VALID.encode(), "b.md": different.encode()}).values())


def test_people_file_aliases_are_known_owners() -> None:
    owners = {"owners": str(FIXTURES / "owners.yml")}
    assert check_text(VALID.replace("| Priya Raman |", "| p. raman |"), **owners) == []


@pytest.mark.parametrize("rule_id", sorted(RULES.ids()))
def test_rule_is_documented(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule.doc, f"{rule_id} has no docstring"
    assert rule.slug and rule.slug == rule.slug.lower()


def test_rule_levels_are_configurable() -> None:
    mutated = replace("| Alicia Gomez | 2026-09-10 |", "| Alicia Gomez | 2026-09-08 |")(VALID)
    assert [f.level.value for f in check_text(mutated)] == ["warning"]
    assert [f.level.value for f in check_text(mutated, rules={"PM602": "error"})] == ["error"]
    assert [f.level.value for f in check_text(mutated, rules={"sign-off-before-write-up": "info"})] == ["info"]
    assert check_text(mutated, rules={"PM602": "off"}) == []


def test_all_findings_are_reported_not_only_the_first() -> None:
    mutated = replace(
        "| Platform Lead |",
        "| Platform Lead and Security |",
        "| 2026-10-15 |",
        "| soon |",
        "**Severity:** Sev-1",
        "**Severity:** Sev-2",
    )(VALID)
    assert sorted({f.rule for f in check_text(mutated)}) == ["PM106", "PM403", "PM404"]


TWO_OWNERS = replace("| Platform Lead |", "| Platform Lead + Security |")(VALID)


def test_disable_comment_waives_the_block_after_it() -> None:
    waived = TWO_OWNERS.replace(
        "| # | Action", '<!-- postmortem: disable PM403 reason="joint ownership agreed at review" -->\n| # | Action'
    )
    assert check_text(waived) == []
    elsewhere = TWO_OWNERS.replace(
        "## 8. Communications", '<!-- postmortem: disable PM403 reason="x" -->\n\n## 8. Communications'
    )
    assert [f.rule for f in check_text(elsewhere)] == ["PM403"]
    other_rule = TWO_OWNERS.replace(
        "| # | Action", '<!-- postmortem: disable single-owner reason="by slug" -->\n| # | Action'
    )
    assert check_text(other_rule) == []


def test_front_matter_accept_waives_the_rule_on_the_whole_page() -> None:
    for accept in ('accept: [{rule: PM403, reason: "agreed"}]', "accept:\n  - PM403: agreed at review"):
        assert check_text(TWO_OWNERS.replace("status: open\n", f"status: open\n{accept}\n")) == []
    unexplained = TWO_OWNERS.replace("status: open\n", "status: open\naccept: [PM403]\n")
    assert [f.rule for f in check_text(unexplained)] == ["PM002"]


def test_waiver_rule_cannot_be_waived() -> None:
    text = VALID.replace("status: open\n", 'status: open\naccept: [{rule: PM002, reason: "quiet"}, PM409]\n')
    assert [f.rule for f in check_text(text)] == ["PM002"]
