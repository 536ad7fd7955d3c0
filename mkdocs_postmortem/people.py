"""The optional people file (`owners: owners.yml`): canonical names with their aliases and roles.

```yaml
Priya Raman: [Priya, P. Raman]
Platform Lead: [Platform, Platform team]
CoE Lead: []
```
"""

from __future__ import annotations

from pathlib import Path

from .yamlfile import YamlFileError, load_yaml_file


def fold(name: str) -> str:
    """Owner names compare after folding case and white space."""
    return " ".join(name.split()).casefold()


class PeopleFileError(ValueError):
    """The people file is missing or malformed; the message names the file and line."""


def load_people(path: Path) -> dict[str, str]:
    """Folded name or alias → canonical name."""
    try:
        data = load_yaml_file(path)
    except YamlFileError as exc:
        raise PeopleFileError(f"owners: {exc}") from None
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
