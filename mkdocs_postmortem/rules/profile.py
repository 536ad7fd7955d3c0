"""PM109 and PM503–PM505 — the AI-incident profile (`ai:`) agrees with the page it describes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Level, PostMortem
from ..profile import PERSONAL_DATA, AiProfile
from ..regulation import mentions_data_protection
from ..template import ART73_QUESTION, Key
from .base import Context, Violation, rule

_NO_IMPACT = re.compile(r"^\W*(?:none|no\b|nil\b|n/?a\b|zero\b|nothing\b|0\b)", re.IGNORECASE)


@rule("PM109", "ai-profile-required", Level.ERROR)
def ai_profile_required(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The `ai:` profile gives the fields the site requires for the page's severity (the `ai_profile`
    option's `required`, e.g. `{Sev-1: [autonomy, harm, data_exposed]}`); none are required by default."""
    meta = pm.meta
    if meta is None or not (required := ctx.ai_required.get(meta.severity)):
        return
    profile = meta.ai
    given = profile.model_fields_set if profile is not None else set()
    missing = [name for name in required if name not in given]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        where = "the `ai:` profile lacks" if profile is not None else "the page has no `ai:` profile with"
        yield Violation(
            pm.meta_lines.get("ai", 1),
            f"{where} {names}, which this site requires for {meta.severity}",
            f"add them under `ai:`, e.g. `ai: {{{missing[0]}: {_example(missing[0])}}}`",
        )


def _example(name: str) -> str:
    return {
        "harm": "{financial: actual}",
        "autonomy": "acts_with_approval",
        "deployment": "internal",
        "data_exposed": "none",
        "authority": "[data_access]",
        "affected": "120",
        "atlas": "[AML.T0051]",
        "near_miss": "false",
    }.get(name, "…")


@rule("PM503", "data-protection-not-considered", Level.ERROR)
def data_protection_not_considered(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """A profile that says personal data was exposed (`data_exposed: personal` or `special_category`)
    has a regulatory section that considers data protection (GDPR, privacy, personal data, …): the
    "regulatory not considered" pitfall."""
    profile = _profile(pm)
    if profile is None or profile.data_exposed not in PERSONAL_DATA or Key.REGULATORY not in pm.sections:
        return
    if not mentions_data_protection(pm):
        yield Violation(
            pm.section_line(Key.REGULATORY),
            f"the profile says {profile.data_exposed.replace('_', '-')} data was exposed, "
            "but the regulatory section never mentions data protection",
            "say on the sector line whether the GDPR (Article 33: 72 hours) or another data-protection law "
            "applies, and why",
        )


@rule("PM504", "harm-not-in-impact", Level.WARNING)
def harm_not_in_impact(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """A profile that records actual harm does not sit beside an impact table whose `Customer impact`
    says None."""
    profile = _profile(pm)
    if profile is None or not [harm for harm in profile.harms if profile.actual(harm)]:
        return
    row = next((r for r in pm.impact or [] if r.dimension.casefold().startswith("customer impact")), None)
    if row is not None and _NO_IMPACT.match(row.impact):
        harms = ", ".join(harm.value for harm in profile.harms if profile.actual(harm))
        yield Violation(
            row.line,
            f"'Customer impact' says '{row.impact}' but the `ai:` profile records actual harm ({harms})",
            "describe the impact in the table, or mark the harm `potential` (or `near_miss: true`) in the profile",
        )


@rule("PM505", "serious-harm-but-na", Level.WARNING)
def serious_harm_but_na(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """A profile that records actual Article 3(49) harm (death, health, critical infrastructure,
    fundamental rights, property, environment) does not sit beside an EU AI Act line that says N/A."""
    profile = _profile(pm)
    if profile is None or not profile.serious_harms:
        return
    line = next((line for line in pm.regulatory if line.kind == ART73_QUESTION), None)
    if line is not None and line.applicable is False:
        harms = ", ".join(harm.value for harm in profile.serious_harms)
        yield Violation(
            line.line,
            f"the EU AI Act line says not applicable, but the `ai:` profile records Article 3(49) harm ({harms})",
            "reconsider Article 73 (a serious incident is reported within 15 days), or correct the profile",
        )


def _profile(pm: PostMortem) -> AiProfile | None:
    return pm.meta.ai if pm.meta else None
