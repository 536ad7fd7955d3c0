"""Generate a library of realistic, valid, varied post-mortems (for the benchmark and the tests)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

AGENTS = [
    "finance-invoice-recon",
    "support-triage-bot",
    "hr-onboarding-assistant",
    "procurement-negotiator",
    "code-review-assistant",
    "sales-email-drafter",
    "clinical-intake-assistant",
    "legal-contract-summariser",
    "it-helpdesk-agent",
    "marketing-copy-agent",
    "fraud-screening-agent",
    "claims-intake-agent",
    "travel-booking-agent",
    "payroll-query-bot",
    "security-alert-triage",
    "data-quality-agent",
]
OWNERS = [
    "Priya Raman",
    "Tomasz Nowak",
    "Dana Whitfield",
    "Mike Chen",
    "Grace Okafor",
    "Luis Ortega",
    "Aiko Tanaka",
    "Samir Haddad",
    "Ines Moreau",
    "Platform Lead",
    "CoE Lead",
    "Builder",
    "Security Lead",
    "Data Steward",
]
ACTIONS = [
    "Add an alert when the {metric} leaves its 30-day range for more than {n} minutes",
    "Add {n} regression cases for {topic} to the golden evaluation set",
    "Update the runbook (template 09) with the {topic} failure mode and its diagnostics",
    "Enforce the {topic} limit in the tool layer instead of the prompt",
    "Document the {topic} lesson in the framework changelog",
    "Require a canary on {n}% of traffic for every {topic} change",
    "Add a schema contract test for the {topic} integration",
    "Update the Agent Card (template 03) with the {topic} dependency",
]
TOPICS = [
    "retrieval",
    "schema change",
    "rate limit",
    "prompt release",
    "tool permission",
    "tenant isolation",
    "vendor API",
]
METRICS = ["wrong-match rate", "HITL acceptance rate", "urgent routing share", "refusal rate", "tool error rate"]
DONE = ["✅ Done ({date})", "Done", "✅ Done — shipped {date}"]
OPEN = ["Open", "In progress", "In progress — PR open"]


def _business_days(start: dt.date, days: int) -> dt.date:
    current = start
    while days:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def postmortem(index: int, rng: random.Random, today: dt.date, used: set[tuple[str, dt.date]]) -> tuple[str, str]:
    """One post-mortem: (file name, text); `used` keeps (agent, incident date) pairs unique."""
    agent, incident = rng.choice(AGENTS), today - dt.timedelta(days=rng.randint(20, 1100))
    while (agent, incident) in used:
        agent, incident = rng.choice(AGENTS), today - dt.timedelta(days=rng.randint(20, 3000))
    used.add((agent, incident))
    severity = rng.choices(["Sev-1", "Sev-2", "Sev-3"], weights=[2, 5, 1])[0]
    written = _business_days(incident, rng.randint(1, 5 if severity == "Sev-1" else 9))
    status = rng.choices(["open", "closed"], weights=[1, 2])[0]
    start = dt.datetime.combine(incident, dt.time(rng.randint(0, 12), rng.choice([0, 15, 30, 45])))
    rows: list[str] = []
    moment = start - dt.timedelta(hours=rng.randint(1, 20))
    for row in range(rng.randint(6, 20)):
        moment += dt.timedelta(minutes=rng.randint(5, 90))
        rows.append(
            f"| {moment:%Y-%m-%d %H:%M} | Step {row + 1}: {rng.choice(TOPICS)} observed and handled by the on-call rota |"
        )
    written = max(written, moment.date())
    actions = []
    count = rng.randint(5, 15)
    for number in range(1, count + 1):
        template = ACTIONS[0] if number == 1 else rng.choice(ACTIONS)
        text = template.format(metric=rng.choice(METRICS), n=rng.randint(2, 200), topic=rng.choice(TOPICS))
        if number == 2:
            text = ACTIONS[2].format(topic=rng.choice(TOPICS))
        due = written + dt.timedelta(days=rng.randint(3, 120))
        # Items close over time: a post-mortem older than six months has few open items left.
        closing = 0.6 if (today - written).days < 180 else 0.95
        if status == "closed" or (rng.random() < closing and number < count):
            state = rng.choice(DONE).format(date=min(due, today).isoformat())
        else:
            state = rng.choice(OPEN)
        actions.append(f"| {number} | {text} | Prevention | {rng.choice(OWNERS)} | {due.isoformat()} | {state} |")
    signed = [written + dt.timedelta(days=d) for d in (0, 1, 1, 3)]
    text = f"""---
agent: {agent}
severity: {severity}
incident_date: {incident.isoformat()}
date: {written.isoformat()}
author: Morteza Moradi
status: {status}
title: "{rng.choice(TOPICS).capitalize()} incident {index} on {agent}"
tags: [{rng.choice(TOPICS).replace(" ", "-")}, generated]
started_at: {start:%Y-%m-%d %H:%M}
detected_at: {start + dt.timedelta(minutes=rng.randint(5, 600)):%Y-%m-%d %H:%M}
mitigated_at: {start + dt.timedelta(minutes=rng.randint(601, 1800)):%Y-%m-%d %H:%M}
---
# Post-Mortem — {agent} {severity} incident, {incident.isoformat()}

## 1. Incident summary
On {incident.isoformat()} the {agent} agent misbehaved after a {rng.choice(TOPICS)} change. The problem lasted {rng.randint(1, 30)} hours before it was contained. About {rng.randint(5, 900)} requests were affected. Root cause: the {rng.choice(TOPICS)} change was not covered by any test.

## 2. Timeline
| Time (UTC) | Event |
|---|---|
{chr(10).join(rows)}
| {written.isoformat()} | Post-mortem completed; action items filed |

## 3. Impact
| Dimension | Impact |
|---|---|
| Requests affected | {rng.randint(5, 900)} |
| Customer impact | None — caught by human review |
| Regulatory exposure | None |
| Duration of impact / outage | {rng.randint(1, 30)} hours |

## 4. What went well
- The kill switch paused the agent within minutes.
- Traces made the root cause easy to find.

## 5. What went wrong
- No alert watched the {rng.choice(METRICS)} at short windows.
- The evaluation set did not cover the {rng.choice(TOPICS)} path.

## 6. Root cause (5 whys)
- Q: Why did the agent misbehave? A: Its inputs changed shape.
- Q: Why did the inputs change shape? A: An upstream {rng.choice(TOPICS)} change shipped without notice.
- Q: Why was there no notice? A: No contract covers the integration.
- Q: Why did tests not catch it? A: The golden set predates the change.
- Q: Why is the golden set not refreshed? A: No standard requires refreshing it after upstream changes.

**Underlying systemic cause:** Upstream changes reach the agent without a contract or a refreshed evaluation.

## 7. Action items
| # | Action | Severity | Owner | Due | Status |
|---|---|---|---|---|---|
{chr(10).join(actions)}

## 8. Communications
- Stakeholders informed in the team channel on {incident.isoformat()}
- No external communication required

## 9. Regulatory considerations
- **EU AI Act Article 73 serious incident reporting:** N/A — no harm to persons, property or fundamental rights.
- **Sector regulations:** N/A — no regulated data or decision was involved.
- **Internal audit:** Notified on {written.isoformat()}.

## 10. Sign-off
| Role | Name | Date |
|---|---|---|
| Author | Morteza Moradi | {signed[0].isoformat()} |
| Reviewer (Department) | Grace Okafor | {signed[1].isoformat()} |
| Reviewer (Security) | Pat Lee | {signed[2].isoformat()} |
| Executive sponsor (informed) | Jane Doe | {signed[3].isoformat()} |
"""
    return f"{incident.isoformat()}-{agent}-{index:05d}.md", text


def write_corpus(folder: Path, count: int, today: dt.date, seed: int = 7) -> list[Path]:
    """Write `count` post-mortems into `folder`; the same seed gives the same library."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    used: set[tuple[str, dt.date]] = set()
    for index in range(count):
        name, text = postmortem(index, rng, today, used)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
