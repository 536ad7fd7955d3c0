"""The AI-incident profile (`ai:`) and the reports made to regulators (`reports:`) of the front matter.

The profile records what no general incident tool does: which AI system acted, how autonomously, with
what authority, what harm it did or nearly did, and what data it exposed. Its categories follow the
EU AI Act's serious-incident definition (Article 3(49)) and the harms the OECD AI Incidents Monitor
records; `FIELD_MAPPING` says which field of the AI Incident Database (CSET taxonomy) and of the OECD
monitor each field is nearest to, for teams that share incidents with either.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
)
from pydantic_core import PydanticCustomError

from .dates import in_range, out_of_range


class Harm(enum.StrEnum):
    """A category of harm. The first five are the EU AI Act's serious incident (Article 3(49))."""

    DEATH = "death"  # 3(49)(a): the death of a person
    HEALTH = "health"  # 3(49)(a): serious harm to a person's health
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure"  # 3(49)(b): serious, irreversible disruption
    FUNDAMENTAL_RIGHTS = "fundamental_rights"  # 3(49)(c): infringement of obligations protecting them
    PROPERTY = "property"  # 3(49)(d): serious harm to property
    ENVIRONMENT = "environment"  # 3(49)(d): serious harm to the environment
    FINANCIAL = "financial"
    REPUTATIONAL = "reputational"
    PSYCHOLOGICAL = "psychological"
    NONE = "none"

    @property
    def article_3_49(self) -> str | None:
        """The point of Article 3(49) this harm falls under, if it is a serious incident's."""
        return {
            "death": "a",
            "health": "a",
            "critical_infrastructure": "b",
            "fundamental_rights": "c",
            "property": "d",
            "environment": "d",
        }.get(self.value)

    @property
    def label(self) -> str:
        return HARM_LABELS[self]


HARM_LABELS: dict[Harm, str] = {
    Harm.DEATH: "Death of a person — Art. 3(49)(a)",
    Harm.HEALTH: "Serious harm to health — Art. 3(49)(a)",
    Harm.CRITICAL_INFRASTRUCTURE: "Serious and irreversible disruption of critical infrastructure — Art. 3(49)(b)",
    Harm.FUNDAMENTAL_RIGHTS: "Infringement of obligations protecting fundamental rights — Art. 3(49)(c)",
    Harm.PROPERTY: "Serious harm to property — Art. 3(49)(d)",
    Harm.ENVIRONMENT: "Serious harm to the environment — Art. 3(49)(d)",
    Harm.FINANCIAL: "Financial loss",
    Harm.REPUTATIONAL: "Reputational harm",
    Harm.PSYCHOLOGICAL: "Psychological harm",
    Harm.NONE: "No harm",
}

Deployment = Literal["internal", "customer_facing", "public"]
Autonomy = Literal["suggests", "acts_with_approval", "acts_autonomously"]
Authority = Literal[
    "funds",
    "credentials",
    "code_execution",
    "external_comms",
    "data_access",
    "data_write",
    "infrastructure",
    "personal_data",
]
DataExposed = Literal["none", "personal", "special_category", "confidential"]
Likelihood = Literal["actual", "potential"]
AtlasId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^AML\.T\d{4}(?:\.\d{3})?$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

AUTONOMY_LABELS: dict[str, str] = {
    "suggests": "Suggests (a person acts)",
    "acts_with_approval": "Acts with approval (human in the loop)",
    "acts_autonomously": "Acts autonomously",
}
DEPLOYMENT_LABELS: dict[str, str] = {"internal": "Internal", "customer_facing": "Customer-facing", "public": "Public"}
DATA_EXPOSED_LABELS: dict[str, str] = {
    "none": "No data exposed",
    "personal": "Personal data",
    "special_category": "Special-category personal data",
    "confidential": "Confidential data",
}
PERSONAL_DATA: frozenset[str] = frozenset({"personal", "special_category"})


class Affected(BaseModel):
    """An estimate of how many were affected, with what it is based on."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    estimate: int = Field(ge=0, description="The estimated number of persons affected.")
    basis: Text = Field(description="What the estimate is based on, e.g. `sessions in the window × 0.4`.")


class AiProfile(BaseModel):
    """What the AI system was, could do, and did: the `ai:` mapping of the front matter."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    system: Text | None = Field(
        default=None, description="The system's name in the organisation's AI inventory (default: `agent`)."
    )
    provider: Text | None = Field(default=None, description="Who provides the model, e.g. `Anthropic`, `in-house`.")
    model: Text | None = Field(default=None, description="The model, e.g. `claude-sonnet-4`.")
    model_version: Text | None = Field(default=None, description="The model's version or snapshot date.")
    deployment: Deployment | None = Field(default=None, description="internal, customer_facing or public.")
    autonomy: Autonomy | None = Field(
        default=None,
        description="suggests (a person acts), acts_with_approval (human in the loop) or acts_autonomously.",
    )
    authority: list[Authority] = Field(default_factory=list, description="The scopes the agent held.")
    tools: list[Text] = Field(default_factory=list, description="The tools involved, as free text.")
    harm: dict[Harm, Likelihood] = Field(
        default_factory=dict,
        description="Each category of harm, `actual` or `potential` (`harm: none` for no harm).",
    )
    near_miss: bool = Field(default=False, description="A hazard that caused no harm.")
    affected: (
        Annotated[
            Annotated[int, Tag("a count")] | Annotated[Affected, Tag("an estimate")],
            Discriminator(lambda value: "an estimate" if isinstance(value, dict | Affected) else "a count"),
        ]
        | None
    ) = Field(default=None, description="How many persons were affected: a count, or `{estimate: N, basis: …}`.")
    data_exposed: DataExposed | None = Field(
        default=None, description="none, personal, special_category (GDPR Article 9) or confidential."
    )
    atlas: list[AtlasId] = Field(
        default_factory=list, description="MITRE ATLAS technique ids, e.g. `AML.T0051` or `AML.T0051.000`."
    )

    @field_validator("harm", mode="before")
    @classmethod
    def _harm(cls, value: object) -> object:
        """`harm: none`, a list (`[financial]`, each actual) or a mapping of category to likelihood."""
        if value is None or (isinstance(value, str) and value.strip().casefold() == "none"):
            return {"none": "actual"}
        if isinstance(value, list):
            return dict.fromkeys(value, "actual")
        return value

    @field_validator("affected", mode="before")
    @classmethod
    def _affected(cls, value: object) -> object:
        """A whole count (`1200`), not `1.2k` or a negative number; an estimate is a mapping with a basis."""
        if isinstance(value, dict | Affected) or value is None:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("not a whole count of persons (0 or more)")
        return value

    @field_validator("harm")
    @classmethod
    def _none_alone(cls, value: dict[Harm, str]) -> dict[Harm, str]:
        if Harm.NONE in value and len(value) > 1:
            raise ValueError("`none` beside other harms: keep one or the other")
        return value

    @property
    def harms(self) -> list[Harm]:
        """The categories of harm, `none` left out."""
        return [harm for harm in self.harm if harm is not Harm.NONE]

    def actual(self, harm: Harm) -> bool:
        return self.harm.get(harm) == "actual" and not self.near_miss

    @property
    def serious_harms(self) -> list[Harm]:
        """The actual harms that make a serious incident under Article 3(49)."""
        return [harm for harm in self.harms if harm.article_3_49 and self.actual(harm)]

    @property
    def affected_count(self) -> int | None:
        if isinstance(self.affected, Affected):
            return self.affected.estimate
        return self.affected

    @property
    def affected_text(self) -> str:
        """`1,200`, `about 1,200 (basis: …)`, or empty when not given."""
        if isinstance(self.affected, Affected):
            return f"about {self.affected.estimate:,} (basis: {self.affected.basis})"
        return f"{self.affected:,}" if self.affected is not None else ""


class AiProfileOptions(BaseModel):
    """The `ai_profile:` option: the profile's fields each severity must give."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    required: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Severity → the `ai:` fields a page of that severity must give, e.g. "
        "`{Sev-1: [autonomy, harm, data_exposed]}` (none by default).",
    )

    @field_validator("required")
    @classmethod
    def _fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        known = tuple(AiProfile.model_fields)
        for severity, names in value.items():
            unknown = [name for name in names if name not in known]
            if unknown:
                raise ValueError(f"{severity}: {', '.join(unknown)} not a field of `ai:` ({', '.join(known)})")
        return value


def profile_matches(
    profile: AiProfile | None,
    harm: str | None = None,
    autonomy: str | None = None,
    deployment: str | None = None,
) -> bool:
    """Whether a profile has this harm (actual or potential), autonomy and deployment; a filter not
    given matches every page, and a page without a profile matches no filter that is given."""
    if harm is None and autonomy is None and deployment is None:
        return True
    return (
        profile is not None
        and (harm is None or harm in profile.harm)
        and (autonomy is None or profile.autonomy == autonomy)
        and (deployment is None or profile.deployment == deployment)
    )


Regulation = Literal["eu_ai_act_art73", "gdpr_art33", "other"]
ReportKind = Literal["initial", "complete", "follow_up"]
REGULATION_LABELS: dict[str, str] = {
    "eu_ai_act_art73": "EU AI Act Article 73",
    "gdpr_art33": "GDPR Article 33",
    "other": "Other",
}


class FiledReport(BaseModel):
    """A report made to a regulator: one entry of the front matter's `reports:` list."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    regulation: Regulation = Field(description="eu_ai_act_art73, gdpr_art33 or other.")
    kind: ReportKind = Field(default="initial", description="initial, complete or follow_up.")
    submitted: dt.date = Field(description="The day it was submitted (YYYY-MM-DD).")
    authority: Text | None = Field(default=None, description="To whom, e.g. the market surveillance authority.")
    reference: Text | None = Field(default=None, description="The authority's reference for it.")

    @field_validator("submitted", mode="before")
    @classmethod
    def _day(cls, value: object) -> object:
        """A day; a date with a time (`2026-09-21 14:00`) counts as its day."""
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str) and len(value.strip()) > 10 and value.strip()[10] in " T":
            return value.strip()[:10]
        return value

    @field_validator("submitted")
    @classmethod
    def _in_range(cls, value: dt.date) -> dt.date:
        if not in_range(value):
            raise PydanticCustomError("date_range", out_of_range(value.isoformat()))
        return value

    @property
    def text(self) -> str:
        """The report in words, as the register and the drafts show it:
        `GDPR Article 33 — initial report, 2026-09-05 (ICO, IC-418-2026)`."""
        details = ", ".join(part for part in (self.authority, self.reference) if part)
        kind = self.kind.replace("_", "-")
        return f"{REGULATION_LABELS[self.regulation]} — {kind} report, {self.submitted}" + (
            f" ({details})" if details else ""
        )


# Where each field sits in the public AI-incident taxonomies: the AI Incident Database (its incident
# fields and the CSETv1 classification) and the OECD AI Incidents Monitor (AIM). The nearest field, not
# an exact equivalent: the README's table says the same, for teams that share incidents with either.
FIELD_MAPPING: dict[str, tuple[str, str]] = {
    "agent, ai.system": ("CSETv1 AI System Description", "AI system"),
    "ai.provider": ("Alleged developer of AI system", "Developer"),
    "ai.model, ai.model_version": ("CSETv1 AI System Description, AI tools and methods", "AI system"),
    "ai.deployment": ("Alleged deployer of AI system; CSETv1 Sector of Deployment", "Deployer, Industries"),
    "ai.autonomy": ("CSETv1 Autonomy Level (Autonomy1–3)", "Autonomy level"),
    "ai.authority, ai.tools": ("CSETv1 AI Task, AI tools and methods", "AI system task, Business function"),
    "ai.harm": ("CSETv1 Harm Domain, Tangible Harm, Special Interest Intangible Harm", "Harm type"),
    "ai.near_miss": ("CSETv1 AI Harm Level (near-miss)", "Severity: hazard"),
    "ai.affected": ("CSETv1 Lives Lost, Injuries, Estimated Harm Quantities", "Affected stakeholders"),
    "ai.data_exposed": ("CSETv1 Rights Violation, Harm Distribution Basis", "Harm type: human rights (privacy)"),
    "ai.atlas": ("— (MITRE ATLAS technique ids)", "—"),
    "incident_date": ("date; CSETv1 Date of Incident Year/Month/Day", "Date"),
    "severity": ("CSETv1 AI Harm Level", "Severity"),
    "reports": ("— (reports to regulators are not recorded)", "—"),
}
