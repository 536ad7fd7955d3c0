"""mkdocs-postmortem: a validated library of blameless post-mortems of AI-agent incidents, for MkDocs.

The core (`parse`, `rules`, `checker`, `library`, `render`) imports nothing from MkDocs; `plugin` and
`cli` are the two doors to it.
"""

from __future__ import annotations
