"""Who first committed a file, from its git history."""

from __future__ import annotations

import subprocess
from pathlib import Path

GIT_TIMEOUT = 5.0  # seconds `git log` may take for one file


def git_author(path: str | Path, timeout: float = GIT_TIMEOUT) -> str | None:
    """Who first committed the file (`git log --follow`, oldest author), or None when git, the
    repository or the history is not there, or git takes longer than `timeout` seconds."""
    target = Path(path)
    try:
        target = target.resolve()
        result = subprocess.run(
            ["git", "log", "--follow", "--format=%an", "--", target.name],
            cwd=target.parent,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if result.returncode != 0:
        return None
    names = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    return names[-1] if names else None
