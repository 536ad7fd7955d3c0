"""The optional people file (`owners: owners.yml`): canonical names with their aliases and roles.

```yaml
Priya Raman: [Priya, P. Raman]
Platform Lead: [Platform, Platform team]
CoE Lead: []
```
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .library import fold


class PeopleFileError(ValueError):
    """The people file is missing or malformed; the message names the file and line."""


def load_people(path: Path) -> dict[str, str]:
    """Folded name or alias → canonical name."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise PeopleFileError(f"owners: {path} does not exist") from None
    except OSError as exc:
        raise PeopleFileError(f"owners: cannot read {path} ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise PeopleFileError(f"owners: {where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise PeopleFileError(f"owners: {path} must map each person to a list of aliases, e.g. `Priya Raman: [Priya]`")
    names: dict[str, str] = {}
    for person, aliases in data.items():
        canonical = " ".join(str(person).split())
        if aliases is None:
            aliases = []
        if isinstance(aliases, str):
            aliases = [aliases]
        if not isinstance(aliases, list):
            raise PeopleFileError(f"owners: {path}: the aliases of '{canonical}' must be a list")
        for name in [canonical, *map(str, aliases)]:
            names[fold(name)] = canonical
    return names
