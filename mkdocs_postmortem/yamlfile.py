"""Reading a YAML file of the user's (mkdocs.yml, the people file) with messages that name file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlFileError(ValueError):
    """The file is missing, unreadable or not valid YAML; the message names the file (and line)."""


def load_yaml_file(path: Path, loader: type = yaml.SafeLoader) -> Any:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            return yaml.load(handle, Loader=loader)  # noqa: S506 — only SafeLoader and its subclasses
    except FileNotFoundError:
        raise YamlFileError(f"{path} does not exist") from None
    except OSError as exc:
        raise YamlFileError(f"cannot read {path} ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise YamlFileError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
