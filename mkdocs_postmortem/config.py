"""The plugin's options as MkDocs reads them (`plugins: - postmortem: {…}`): one pass-through option per
field of `options.Options`, generated from the model, so the options are declared once. MkDocs hands
them over as written; the plugin's `on_config` validates them with `validate_options`, as the CLI does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from pydantic import BaseModel

from .options import Options


class PassThrough(base.BaseConfigOption[Any]):
    """An option MkDocs keeps as written (or the model's default when absent): the model validates it."""

    def __init__(self, default: Any) -> None:
        super().__init__()
        self.default = default


def _plain(default: Any) -> Any:
    """A default as MkDocs keeps it: a nested model (`legacy`) as its mapping, which MkDocs can copy."""
    return default.model_dump() if isinstance(default, BaseModel) else default


def _generated_config() -> type[base.Config]:
    """The `Config` class with one `PassThrough` per field of `Options`, in the model's order."""
    return type(
        "PostMortemConfig",
        (base.Config,),
        {
            "__module__": __name__,
            "__doc__": Options.__doc__,
            **{
                name: PassThrough(_plain(field.get_default(call_default_factory=True)))
                for name, field in Options.model_fields.items()
            },
        },
    )


if TYPE_CHECKING:
    # What a type checker can know of the generated class: a `Config` whose options it cannot see. The
    # plugin reads them as `validate_options` returns them, typed, from its `settings` (an `Options`).
    class PostMortemConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs' Config.__init_subclass__ is unannotated
        pass

else:
    PostMortemConfig = _generated_config()
