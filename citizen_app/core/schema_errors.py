"""Problems found while validating structured data (catalogue files, form schemas)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SchemaError:
    """``path`` locates the value, e.g. ``form.steps[0].fields[2].type``; ``message`` says what is wrong."""

    path: str
    message: str

    def located(self, source: str) -> str:
        return f"{source}: {self.path}: {self.message}" if self.path else f"{source}: {self.message}"


def join_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key
