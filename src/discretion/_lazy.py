"""Names of a package imported on first use (PEP 562): the package stays cheap to import."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(package: str, where: Mapping[str, str], namespace: dict[str, Any],
               public: list[str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__``: each name in ``where`` (name → relative module) is
    imported on first use and kept in ``namespace``, so later lookups are plain reads. Any other public
    name is the package's submodule of that name, imported on first use as ``import package.name``
    would (``discretion.memo.set_enabled(False)`` after a bare ``import discretion``)."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            return _submodule(package, name)
        value = getattr(import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *public})

    return __getattr__, __dir__


def _submodule(package: str, name: str) -> Any:
    missing = AttributeError(f"module {package!r} has no attribute {name!r}")
    if name.startswith("_") or not name.isidentifier():  # dunders probed by tools, private modules
        raise missing
    try:
        return import_module(f"{package}.{name}")  # the import binds it on the package too
    except ModuleNotFoundError as exc:
        if exc.name != f"{package}.{name}":
            raise  # the submodule exists and needs something missing: say what
        raise missing from None
