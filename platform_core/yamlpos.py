"""YAML loading that remembers the line and column of every mapping key and list item."""

from __future__ import annotations

import yaml

from platform_core.errors import PipelineError


class PosDict(dict):
    """A dict that knows where it and each of its keys stand in the file."""

    line = column = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pos: dict = {}
        self.value_pos: dict = {}

    def where(self, key=None) -> tuple[int, int]:
        """Where ``key`` stands (or the mapping itself when ``key`` is None or absent)."""
        return self.pos.get(key, (self.line, self.column))

    def where_value(self, key) -> tuple[int, int]:
        """Where the value of ``key`` stands."""
        return self.value_pos.get(key) or self.where(key)


class PosList(list):
    """A list that knows where each item stands in the file."""

    line = column = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.pos: list[tuple[int, int]] = []

    def where(self, index=None) -> tuple[int, int]:
        return self.pos[index] if index is not None and index < len(self.pos) else (self.line, self.column)


class _Loader(yaml.SafeLoader):
    filename = ""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> PosDict:
    loader.flatten_mapping(node)
    d = PosDict()
    d.line, d.column = node.start_mark.line + 1, node.start_mark.column + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if key in d:
            raise PipelineError(f"duplicate key {key!r}", loader.filename, *where)
        d[key] = loader.construct_object(value_node, deep=True)
        d.pos[key] = where
        d.value_pos[key] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
    return d


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> PosList:
    seq = PosList(loader.construct_object(n, deep=True) for n in node.value)
    seq.line, seq.column = node.start_mark.line + 1, node.start_mark.column + 1
    seq.pos = [(n.start_mark.line + 1, n.start_mark.column + 1) for n in node.value]
    return seq


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


MAX_NODES = 200_000  # values in a pipeline file once aliases are expanded


def _expanded_size(root: yaml.Node, file: str) -> int:
    """How many values the document holds once every alias is expanded; refuses recursive aliases."""
    sizes: dict[int, int] = {}
    busy: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        kids = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                else node.value if isinstance(node, yaml.SequenceNode) else [])
        if children_done:
            busy.discard(key)
            sizes[key] = 1 + sum(sizes[id(k)] for k in kids)
            continue
        if key in busy:
            mark = node.start_mark
            raise PipelineError("recursive YAML alias", file, mark.line + 1, mark.column + 1)
        busy.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in kids if id(k) not in sizes)
    return sizes[id(root)]


def load(text: str, filename: str = "<string>"):
    """Parse YAML text into PosDict/PosList; a syntax error becomes a PipelineError with its position.

    Documents that expand (through aliases) to more than MAX_NODES values are refused before they are built.
    """
    loader = _Loader(text)
    loader.filename = filename
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, filename) > MAX_NODES:
            raise PipelineError(f"the file expands to more than {MAX_NODES:,} values (YAML aliases?); refused",
                                filename)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise PipelineError(f"YAML syntax error: {e.problem or e}", filename, line, col) from e
    except yaml.YAMLError as e:
        raise PipelineError(f"YAML error: {e}", filename) from e
    except RecursionError:
        raise PipelineError("the file nests too deeply", filename) from None
    finally:
        loader.dispose()
