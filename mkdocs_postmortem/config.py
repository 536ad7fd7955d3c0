"""The plugin's options as MkDocs reads them (`plugins: - postmortem: {…}`): one pass-through option per
field of `options.Options`, generated from the model, so the options are declared once. MkDocs hands
them over as written; the plugin's `on_config` validates them with `validate_options`, as the CLI does."""

from __future__ import annotations

from typing import Any

from mkdocs.config import base

from .options import Options


class PassThrough(base.BaseConfigOption[Any]):
    """An option MkDocs keeps as written (or the model's default when absent): the model validates it."""

    def __init__(self, default: Any) -> None:
        super().__init__()
        self.default = default


PostMortemConfig: type[base.Config] = type(
    "PostMortemConfig",
    (base.Config,),
    {
        "__module__": __name__,
        "__doc__": Options.__doc__,
        **{name: PassThrough(field.get_default(call_default_factory=True)) for name, field in Options.model_fields.items()},
    },
)
