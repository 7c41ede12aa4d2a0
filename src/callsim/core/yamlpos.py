"""Safe YAML loading that remembers where every value came from.

PyYAML's ``SafeLoader`` builds plain dicts and lists; this subclass also records the start mark of each
mapping key and value so that a pydantic error path like ``nodes.opening.routes.0.goto`` maps back to a
``line:col`` an author can jump to. Duplicate keys, which PyYAML silently overwrites, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass
class Positions:
    """Where each path in the document starts (1-based line and column)."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    duplicates: list[tuple[Path, int, int]] = field(default_factory=list)

    def of(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Best position for ``path``: the exact entry, else its nearest recorded ancestor."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if not key and p in self.keys:
                return self.keys[p]
            p = p[:-1]
        return (1, 1)


class UnsafeTagError(yaml.MarkedYAMLError):
    pass


def _pos(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, positions: Positions) -> None:
        self.loader = loader
        self.positions = positions

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.positions.values[path] = _pos(node)
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a mapping key must be plain text", key_node.start_mark
                    )
                key = str(key) if not isinstance(key, str) else key
                child = (*path, key)
                if key in out:
                    self.positions.duplicates.append((child, *_pos(key_node)))
                self.positions.keys[child] = _pos(key_node)
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses python/* and other unknown tags with a clear mark."""


def _refuse(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    raise UnsafeTagError(
        None, None, f"the tag '{node.tag}' is not allowed in scenario files", node.start_mark
    )


_Loader.add_multi_constructor("!", _refuse)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _refuse)


def load_with_positions(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document safely. Raises ``yaml.YAMLError`` (with marks) on bad input."""
    loader = _Loader(text)
    positions = Positions()
    try:
        node = loader.get_single_node()
        if node is None:
            return None, positions
        return _Builder(loader, positions).build(node, ()), positions
    finally:
        loader.dispose()
