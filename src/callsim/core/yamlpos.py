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


def dotted(path: Path) -> str:
    """A path as an author reads it: ``nodes.opening.routes[0]``."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


@dataclass
class Positions:
    """Where each path in the document starts (1-based line and column)."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    duplicates: list[tuple[Path, int, int]] = field(default_factory=list)
    first_keys: dict[Path, tuple[int, int]] = field(default_factory=dict)  # where a duplicated key came first

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
        return self.values.get((), (1, 1))  # the top-level mapping: its first key


class UnsafeTagError(yaml.MarkedYAMLError):
    pass


class TooComplexError(yaml.MarkedYAMLError):
    """The document nests too deeply, refers to itself, or expands (through aliases) to too many values."""


MAX_VALUES = 100_000  # a large scenario has a few thousand; alias "bombs" expand to billions
_YAML = "tag:yaml.org,2002:"
_SAFE_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


def _pos(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _shown(tag: str) -> str:
    return "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag


def _refuse_tag(node: yaml.Node) -> UnsafeTagError:
    return UnsafeTagError(
        None, None, f"the tag '{_shown(node.tag)}' is not allowed in scenario files", node.start_mark
    )


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, positions: Positions) -> None:
        self.loader = loader
        self.positions = positions
        self.count = 0
        self.active: set[int] = set()  # collections being built: an alias to one of them is a loop

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise TooComplexError(
                None, None, f"the file holds more than {MAX_VALUES:,} values once aliases (*name) are "
                "expanded", node.start_mark
            )
        self.positions.values[path] = _pos(node)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            if id(node) in self.active:
                raise TooComplexError(None, None, "an alias (*name) refers to the list or mapping it is "
                                      "inside", node.start_mark)
            self.active.add(id(node))
            try:
                return self._collection(node, path)
            finally:
                self.active.discard(id(node))
        if node.tag not in _SAFE_SCALAR_TAGS:
            raise _refuse_tag(node)
        return self.loader.construct_object(node, deep=True)

    def _collection(self, node: yaml.MappingNode | yaml.SequenceNode, path: Path) -> Any:
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _YAML + "seq":
                raise _refuse_tag(node)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag != _YAML + "map":
            raise _refuse_tag(node)
        own = {id(k) for k, _ in node.value}  # written here, not brought in by a `<<: *anchor` merge
        self.loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        written: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be plain text, not a list or mapping", key_node.start_mark
                )
            if key_node.tag not in _SAFE_SCALAR_TAGS:
                raise _refuse_tag(key_node)
            # The key as written: `1:`, `yes:` and `null:` stay "1", "yes" and "null" (not 1, True, None).
            key = str(key_node.value)
            child = (*path, key)
            if id(key_node) in own:
                if key in written:  # overriding a merged key is what merges are for; twice by hand is not
                    self.positions.duplicates.append((child, *_pos(key_node)))
                    self.positions.first_keys.setdefault(child, self.positions.keys[child])
                written.add(key)
            self.positions.keys[child] = _pos(key_node)
            out[key] = self.build(value_node, child)
        return out


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses python/* and other unknown tags with a clear mark."""


# libyaml's parser, when PyYAML was built with it, is about 12 times faster (a scenario file: 0.14 s -> 0.012 s);
# it gives the same nodes and marks. The nodes are built into values by _Builder either way.
_Parser: type[Any] = _Loader
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(yaml.CSafeLoader):
        """The same loader on libyaml's parser."""

    _Parser = _CLoader


def _refuse(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    raise _refuse_tag(node)


_loaders: tuple[type[Any], ...] = (_Loader,) if _Parser is _Loader else (_Loader, _Parser)
for _cls in _loaders:
    _cls.add_multi_constructor("!", _refuse)
    _cls.add_multi_constructor("tag:yaml.org,2002:python/", _refuse)


def load_with_positions(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document safely. Raises ``yaml.YAMLError`` (with marks) on bad input."""
    if _Parser is not _Loader:
        try:  # the fast parser for a file that parses; a file that does not is parsed again for PyYAML's messages
            return _load(_Parser(text))
        except (yaml.YAMLError, RecursionError):
            pass
    return _load(_Loader(text))


def _load(loader: Any) -> tuple[Any, Positions]:  # a SafeLoader, or the same on libyaml
    positions = Positions()
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise TooComplexError(None, None, "lists or mappings are nested too deeply", loader.get_mark()) from None
        if node is None:
            return None, positions
        try:
            return _Builder(loader, positions).build(node, ()), positions
        except RecursionError:
            raise TooComplexError(None, None, "lists or mappings are nested too deeply", node.start_mark) from None
    finally:
        loader.dispose()
