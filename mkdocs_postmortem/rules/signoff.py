"""PM6xx — sign-off: the author and three reviewers, by name and date."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Level, PostMortem
from ..template import Key
from .base import Context, Violation, rule


@rule("PM601", "sign-off", Level.ERROR)
def sign_off(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """The sign-off table names the Author, Reviewer (Department), Reviewer (Security) and Executive sponsor
    (informed), each with a name and a date. Drafts are exempt until they are published.

    The columns are found by their headers (`| Name | Role | Date |` reads as well as the template's
    order), and without recognisable headers taken as Role, Name, Date.
    """
    if not ctx.template.reads(Key.SIGNOFF) or Key.SIGNOFF not in pm.sections or pm.is_draft:
        return
    rows = pm.signoff or []
    for key, signer in ctx.template.signoff_roles.items():
        role = signer.title
        row = next((r for r in rows if r.role_key == key), None)
        if row is None:
            yield Violation(
                pm.section_line(Key.SIGNOFF),
                f"the sign-off has no '{role}' row",
                f"add `| {role} | <name> | <YYYY-MM-DD> |`",
            )
            continue
        if row.name and row.date and row.signed is None:
            yield Violation(
                row.line,
                f"sign-off '{row.role}' has the date '{row.date}', which is not YYYY-MM-DD",
                "write the date as YYYY-MM-DD, e.g. 2026-08-20",
            )
        elif not row.name or row.signed is None:
            if not row.name and not row.date:
                what = "no name and no date"
            elif not row.name:
                what = "no name" if row.signed else f"no name, and its date '{row.date}' is not YYYY-MM-DD"
            else:
                what = "no date"
            yield Violation(row.line, f"sign-off '{row.role}' has {what}", "write who signed off and when (YYYY-MM-DD)")


@rule("PM602", "sign-off-before-write-up", Level.WARNING)
def sign_off_before_write_up(pm: PostMortem, ctx: Context) -> Iterator[Violation]:
    """No one signs off before the post-mortem was written up (the front matter's `date`)."""
    if pm.meta is None:
        return
    for row in pm.signoff or []:
        if row.signed and row.signed < pm.meta.date:
            yield Violation(
                row.line,
                f"'{row.role}' signed off on {row.signed.isoformat()}, before the write-up date {pm.meta.date.isoformat()}",
                "correct the sign-off date or the front matter's `date`",
            )
