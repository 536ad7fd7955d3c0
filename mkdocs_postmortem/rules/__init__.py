"""The rule registry: an ordered list of rules, and the engine that runs them on a page.

A rule reads a parsed `PostMortem` and yields `Violation`s (line, what is wrong, how to fix it); the
engine turns them into `Finding`s at the level the configuration gives the rule, and drops those a
waiver covers. `RULES` is the built-in set; `RuleSet.extend` adds a site's or a test's own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from ..model import Finding, Level, PostMortem
from ..text import printable
from . import actions, frontmatter, narrative, process, profile, regulatory, rendering, signoff, structure, tickets
from .base import LIBRARY_VIEW, Context, Library, Rule, Scope, Violation, rule

__all__ = ["RULES", "Context", "Library", "Rule", "RuleSet", "Scope", "Violation", "finding_order", "rule", "run_rules"]


class RuleSet:
    """Rules in the order they run, found by id (`PM403`, any case) or slug (`single-owner`)."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self._by_name: dict[str, Rule] = {}
        for r in rules:
            if r.id in self._by_name or r.slug in self._by_name:
                raise ValueError(f"duplicate rule {r.id} ({r.slug})")
            self._by_name[r.id] = self._by_name[r.slug] = r

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        return self._by_name[rule_id]

    def ids(self) -> list[str]:
        return [r.id for r in self.rules]

    def names(self) -> frozenset[str]:
        """Every id and slug."""
        return frozenset(self._by_name)

    def find(self, name: str) -> Rule | None:
        """A rule by id or slug."""
        return self._by_name.get(name.strip().upper()) or self._by_name.get(name.strip().lower())

    def extend(self, *more: Rule) -> RuleSet:
        """These rules and `more`, after them."""
        return RuleSet((*self.rules, *more))

    def replace(self, new: Rule) -> RuleSet:
        """These rules, with the one of `new`'s id swapped for `new`."""
        return RuleSet(tuple(new if r.id == new.id else r for r in self.rules))

    def library_view(self, levels: dict[str, Level | None]) -> tuple[str, ...]:
        """The fields of every page that the enabled library rules read."""
        fields = dict.fromkeys(LIBRARY_VIEW)
        for r in self.rules:
            if r.scope == "library" and levels.get(r.id, r.level) is not None:
                fields.update(dict.fromkeys(r.reads))
        return tuple(fields)

    def reference_table(self) -> str:
        """The rule reference as a Markdown table, from the rules' own ids, slugs, levels and docstrings."""
        rows = ["| Rule | Slug | Default | What it checks |", "|---|---|---|---|"]
        for r in sorted(self.rules, key=lambda r: r.id):
            summary = r.summary.replace("|", "\\|")
            rows.append(f"| {r.id} | `{r.slug}` | {r.level.value} | {summary} |")
        return "\n".join(rows)


RULES = RuleSet(
    (
        structure.unreadable,
        structure.waiver_reason,
        rendering.renders_differently,
        rendering.list_indent,
        rendering.rendered_page_differs,
        structure.control_character,
        frontmatter.front_matter_yaml,
        frontmatter.front_matter_required,
        frontmatter.front_matter_value,
        frontmatter.severity_without_postmortem,
        frontmatter.unknown_key,
        frontmatter.header_matches,
        frontmatter.duplicate_incident,
        frontmatter.inferred_front_matter,
        profile.ai_profile_required,
        structure.section_missing,
        structure.placeholder,
        structure.summary_length,
        structure.section_content,
        narrative.timeline_table,
        narrative.timeline_time,
        narrative.timeline_order,
        narrative.impact_rows,
        narrative.blameless,
        narrative.five_whys,
        narrative.systemic_cause,
        actions.action_items_missing,
        actions.action_item_incomplete,
        actions.single_owner,
        actions.due_date,
        actions.action_status,
        actions.closed_with_open_items,
        actions.open_with_all_done,
        actions.vague_action,
        actions.upstream_update,
        actions.action_overdue,
        actions.unknown_owner,
        tickets.ticket_reference,
        tickets.ticket_not_found,
        tickets.done_but_ticket_open,
        tickets.ticket_closed_item_open,
        tickets.ticket_assignee,
        tickets.ticket_required,
        tickets.ticket_states_old,
        tickets.ticket_not_synced,
        regulatory.regulatory_line,
        regulatory.na_without_reasoning,
        profile.data_protection_not_considered,
        profile.harm_not_in_impact,
        profile.serious_harm_but_na,
        regulatory.report_due,
        regulatory.report_due_soon,
        regulatory.report_overdue,
        regulatory.complete_report_pending,
        signoff.sign_off,
        signoff.sign_off_before_write_up,
        process.write_up_deadline_rule,
    )
)


def run_rules(
    pm: PostMortem,
    context: Context,
    levels: dict[str, Level | None] | None = None,
    scope: Scope | None = None,
    rules: RuleSet = RULES,
) -> list[Finding]:
    """Every finding of every enabled rule (of `scope`, or all) on one post-mortem, in `finding_order`.

    Findings waived by a disable comment or the front matter's `accept:` list are dropped, unless
    the rule is not `waivable`. A page that could not be read gets only the rules that say they
    run `on_unreadable`; a legacy page only those that run `on_legacy`, at info level: it never fails a build.
    """
    levels = levels or {}
    waived = _waivers(pm, rules)
    findings: list[Finding] = []
    path = printable(pm.path)
    for r in rules:
        level = levels.get(r.id, r.level)
        if level is None or (pm.skipped and not r.on_unreadable) or (scope is not None and r.scope != scope):
            continue
        if pm.legacy:
            if not r.on_legacy:
                continue
            level = Level.INFO
        covered = waived.get(r.id) if r.waivable else None
        for violation in r.check(pm, context):
            if covered is not None and covered.covers(violation.line):
                continue
            # What the page says is quoted in messages, and a file's name may hold anything: a finding
            # is one printable line wherever it is shown (a terminal, a CI log, the build's log).
            findings.append(
                Finding(
                    path=path,
                    line=violation.line,
                    rule=r.id,
                    slug=r.slug,
                    level=level,
                    message=printable(violation.message),
                    fix=printable(violation.fix),
                )
            )
    findings.sort(key=finding_order)
    return findings


def finding_order(finding: Finding) -> tuple[int, int, str]:
    """Findings sort by line, errors first on a line, then by rule id."""
    return finding.line, finding.level.rank, finding.rule


class _Ranges:
    """Line ranges, merged and sorted: whether a line is in one is a binary search, however many there are."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for first, last in sorted(ranges):
            if self.ends and first <= self.ends[-1] + 1:
                self.ends[-1] = max(self.ends[-1], last)
            else:
                self.starts.append(first)
                self.ends.append(last)

    def covers(self, line: int) -> bool:
        index = bisect_right(self.starts, line) - 1
        return index >= 0 and line <= self.ends[index]


def _waivers(pm: PostMortem, rules: RuleSet) -> dict[str, _Ranges]:
    """Rule id → the line ranges where it is waived (the whole page for front-matter `accept:`)."""
    waived: dict[str, list[tuple[int, int]]] = {}
    for suppression in pm.suppressions:
        for name in suppression.rules:
            if found := rules.find(name):
                waived.setdefault(found.id, []).append((suppression.first_line, suppression.last_line))
    for acceptance in pm.meta.accept if pm.meta else []:
        if found := rules.find(acceptance.rule):
            waived.setdefault(found.id, []).append((1, 1 << 30))
    return {rule_id: _Ranges(ranges) for rule_id, ranges in waived.items()}
