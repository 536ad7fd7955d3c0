"""Which section a heading, a bold label or a `Label:` line names, and which header field a label gives."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..headings import normalise_heading
from ..template import Key, Template

OTHER = "other"  # the bucket of what fits no section: `## Other notes` at the end of the page
OTHER_TITLE = "Other notes"


# Other names of a template section itself (more languages than the template lists).
_SAME: dict[str, str] = {
    **dict.fromkeys(
        "overview|tl;dr|tldr|abstract|incident summary|zusammenfassung|überblick|uberblick|kurzfassung|"
        "résumé|resume|resumen|synthèse|samenvatting".split("|"),
        Key.SUMMARY,
    ),
    **dict.fromkeys(
        "sequence of events|events|zeitablauf|zeitleiste|zeitlicher ablauf|chronologie|ablauf|verlauf|"
        "chronologie des vorfalls|cronología|cronologia|tijdlijn".split("|"),
        Key.TIMELINE,
    ),
    **dict.fromkeys(
        "impact summary|summary of impact|auswirkungen|auswirkung|folgen|"
        "impact and severity|blast radius|schaden|impacto".split("|"),
        Key.IMPACT,
    ),
    **dict.fromkeys(
        "what went well|went well|what worked|things that went well|was lief gut|was gut lief|"
        "was gut gelaufen ist|was ist gut gelaufen|gut gelaufen|positives|ce qui a bien marché".split("|"),
        Key.WENT_WELL,
    ),
    **dict.fromkeys(
        "what didn't go so well|what did not go so well|what went badly|what could be improved|"
        "what could have been better|was lief schlecht|was lief nicht gut|was schief lief|was ist schiefgelaufen|"
        "was schiefgelaufen ist|was lief weniger gut|verbesserungspotenzial|ce qui n'a pas marché".split("|"),
        Key.WENT_WRONG,
    ),
    **dict.fromkeys(
        "ursache|ursachen|grundursache|ursachenanalyse|root-cause analysis|5 warum|fünf warum|5-why|5-whys|"
        "why|why did it happen|why did this happen|what caused it|warum ist es passiert|"
        "five whys analysis|causa raíz|cause racine|causes racines".split("|"),
        Key.ROOT_CAUSE,
    ),
    **dict.fromkeys(
        "action items|follow-up|follow up|followups|follow-up tasks|next steps|todo|to do|todos|to-dos|tasks|"
        "remediation|preventive measures|prevention|action points|maßnahmen|massnahmen|nächste schritte|"
        "aufgaben|offene punkte|acciones|actions correctives".split("|"),
        Key.ACTIONS,
    ),
    **dict.fromkeys(
        "messaging|customer communication|external communication|internal communication|status page|"
        "statuspage|kommunikation|benachrichtigung".split("|"),
        Key.COMMUNICATIONS,
    ),
    **dict.fromkeys("compliance|regulatorisches|regulatorik|legal|rechtliches".split("|"), Key.REGULATORY),
    **dict.fromkeys("reviewers|freigabe|abnahme|genehmigung".split("|"), Key.SIGNOFF),
}
# Topics that belong inside a section: kept there as a subsection with their own heading.
_TOPICS: dict[str, str] = {
    **dict.fromkeys(
        "what happened|description|incident description|details|background|context|hintergrund|kontext|"
        "was ist passiert|was ist geschehen|beschreibung|detection|how was it detected|erkennung|entdeckung|"
        "resolution|resolution and recovery|recovery|mitigation|response|incident response|lösung|behebung|"
        "wiederherstellung|fix|the fix|investigation|diagnosis|analyse|analysis|untersuchung".split("|"),
        Key.TIMELINE,
    ),
    **dict.fromkeys(
        "trigger|triggers|contributing factors|contributing factor|causes|cause|whys|auslöser".split("|"),
        Key.ROOT_CAUSE,
    ),
    **dict.fromkeys(
        "customer impact|user impact|kundenauswirkung|auswirkung auf kunden|auswirkung auf nutzer|"
        "regulatory exposure|regulatory impact|regulatorische auswirkung".split("|"),
        Key.IMPACT,
    ),
    **dict.fromkeys(
        "where we got lucky|where we were lucky|lucky|what we got lucky on|glück gehabt|wo wir glück hatten".split("|"),
        Key.WENT_WELL,
    ),
    **dict.fromkeys(
        "lessons learned|lessons learnt|lessons|learnings|takeaways|erkenntnisse|gelernte lektionen|"
        "lessons learned and takeaways|how'd we do|how did we do|retrospective|rückblick|problems|probleme|"
        "challenges".split("|"),
        Key.WENT_WRONG,
    ),
    **dict.fromkeys(
        "supporting information|references|links|appendix|anhang|glossary|open questions|questions|responders|"
        "participants|people|people involved|beteiligte|notes|notizen|related|related incidents|severity|"
        "metadata|status|decision|consequences|sources|quellen|weitere informationen|further reading".split("|"),
        OTHER,
    ),
}
_FUZZY_CUTOFF = 0.88

# `Label:` lines of a page's header, by the field they give.
META_LABELS: dict[str, str] = {
    **dict.fromkeys(
        "incident date|date of incident|date of the incident|incident day|vorfallsdatum|datum des vorfalls|"
        "störungsdatum".split("|"),
        "incident_date",
    ),
    **dict.fromkeys("date|datum|when|day|fecha|tag".split("|"), "date"),
    **dict.fromkeys(
        "author|authors|written by|autor|autoren|verfasser|verfasst von|owner|owners|postmortem owner|"
        "post-mortem owner|incident owner|auteur".split("|"),
        "author",
    ),
    **dict.fromkeys(
        "severity|sev|incident severity|severity level|schweregrad|priority|priorität|prio|gravité|severidad".split(
            "|"
        ),
        "severity",
    ),
    **dict.fromkeys(
        "service|services|system|systems|agent|agent id|dienst|dienste|affected service|affected services|"
        "affected system|betroffener dienst|betroffene dienste|betroffenes system|component|komponente".split("|"),
        "agent",
    ),
    **dict.fromkeys("status|state|stand".split("|"), "status"),
    **dict.fromkeys("duration|dauer|outage duration|ausfallzeit".split("|"), "duration"),
}
BOLD_LABEL = re.compile(
    r"^(?:\*\*|__)(?P<label>[^*_\n]{1,60}?)(?:\s*:\s*(?:\*\*|__)|(?:\*\*|__)\s*:?)[ \t]*(?P<value>.*)$"
)
PLAIN_LABEL = re.compile(r"^(?P<label>[^\W\d_][^:\n]{0,40}?)[ \t]*:(?![/\\])[ \t]*(?P<value>.*)$")


def label_name(label: str) -> str:
    return " ".join(re.sub(r"\((?:s|en|e|n)\)", "", label).split()).casefold().rstrip(":").strip()


@dataclass(frozen=True)
class _Target:
    kind: str  # section (the template's own), topic (belongs inside one) or other
    key: str
    how: str = ""  # the name it was recognised by, for the report


def classify(template: Template, text: str, loose: bool = True) -> _Target | None:
    """The section a heading names, or the section a topic belongs in; `loose` also takes near misses."""
    if key := template.section_key(text):
        return _Target("section", key)
    name = normalise_heading(text)
    if not name:
        return None
    for table, kind in ((_SAME, "section"), (_TOPICS, "topic")):
        if name in table:
            key = table[name]
            if key == OTHER:
                return _Target("other", OTHER)
            return _Target(kind, key) if key in template.sections else _Target("other", OTHER)
    if not loose:
        return None
    if near := template.near_section(text):
        return _Target("section", near, "near")
    if len(name) >= 6:
        names = [*_SAME, *_TOPICS]
        if close := difflib.get_close_matches(name, names, n=1, cutoff=_FUZZY_CUTOFF):
            return classify(template, close[0], loose=False)
    return None
