"""Bank text as YAML: composed within bounds, and where each key of it is.

A bank file is untrusted: it is read with the safe loader only, refused when nested
deeper than :data:`~generator.banks.limits.MAX_YAML_DEPTH` or when its aliases expand
past :data:`~generator.banks.limits.MAX_YAML_NODES` values, and every key and item keeps
its line for messages.  Kept apart from :mod:`generator.banks.load` so that a bank read
from the disk cache (:mod:`generator.banks.cache`) does not import PyYAML at all.
"""

from __future__ import annotations

from typing import Any

import yaml

from generator.banks.limits import MAX_YAML_DEPTH, MAX_YAML_NODES

__all__ = ["FAST_LOADER", "BoundedLoader", "Lines", "TooLarge", "check_depth",
           "check_expanded_size", "compose"]


class TooLarge(Exception):
    """A document over a bound: the reason, and the line where it was met."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason, self.line = reason, line


class BoundedLoader(yaml.SafeLoader):
    """The safe loader, refusing documents nested deeper than :data:`MAX_YAML_DEPTH`.

    (Python's recursion limit would otherwise end a 5,000-deep list with a traceback.)
    """

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise TooLarge(f"nested more than {MAX_YAML_DEPTH} levels deep",
                                self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


#: libyaml's safe loader when PyYAML was built with it: the same documents, several times
#: faster (banks are read once per process, and generate starts a few of them).
FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def check_depth(text: str) -> None:
    """Refuse a document nested deeper than :data:`MAX_YAML_DEPTH`, from its events.

    libyaml's parser keeps its own stack, so a 5,000-deep list is read here without
    recursion; only then may its composer, which recurses, see the document.
    """
    depth = 0
    too_deep = f"nested more than {MAX_YAML_DEPTH} levels deep"
    try:
        for event in yaml.parse(text, Loader=FAST_LOADER):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise TooLarge(too_deep, event.start_mark.line + 1)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as err:
        # libyaml's scanner has a nesting limit of its own, met while looking ahead.
        if "nesting depth" in str(err.problem) and err.problem_mark is not None:
            raise TooLarge(too_deep, err.problem_mark.line + 1) from None
        raise


def check_expanded_size(root: yaml.Node) -> None:
    """Refuse alias bombs ("billion laughs") and self-referring anchors.

    Aliases make the composed graph small while the data it stands for, and the
    checks walking it, can be exponentially large: count it expanded, each node's size
    once (memoized), without recursion.
    """
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            depths[key] = 1 + max((depths[id(c)] for c in children), default=0)
            if depths[key] > 2 * MAX_YAML_DEPTH:
                raise TooLarge(f"nested more than {2 * MAX_YAML_DEPTH} levels deep once "
                                "its aliases (*name) are expanded", node.start_mark.line + 1)
            if sizes[key] > MAX_YAML_NODES:
                raise TooLarge(f"the document is too large: over {MAX_YAML_NODES} values "
                                "once its aliases (*name) are expanded",
                                node.start_mark.line + 1)
            continue
        if key in sizes:
            continue
        if key in active:
            raise TooLarge("an anchor (&name) is used inside itself",
                            node.start_mark.line + 1)
        active.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def compose(text: str) -> tuple[yaml.Node | None, Any]:
    """The composed document and its data, within the limits.

    Raises:
        yaml.YAMLError: text that is not YAML (or uses tags the safe loader refuses).
        TooLarge: too deep, or too large once aliases are expanded.
    """
    if FAST_LOADER is not None:
        check_depth(text)  # libyaml composes recursively: bound the depth first
        loader = FAST_LOADER(text)
    else:
        loader = BoundedLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        check_expanded_size(root)
        return root, loader.construct_document(root)
    finally:
        loader.dispose()


class Lines:
    """Where each key and item of a YAML document is: path -> line (1-based)."""

    def __init__(self, text: str, root: yaml.Node | None = None) -> None:
        self.lines: dict[tuple, int] = {}
        #: The first key written twice in one mapping (YAML keeps only the last).
        self.duplicate: tuple[str, int] | None = None
        if root is None:
            try:
                root, _ = compose(text)
            except (yaml.YAMLError, TooLarge, RecursionError):
                root = None
        if root is not None:
            self._walk(root, ())

    def _walk(self, node, path: tuple) -> None:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, value in node.value:
                if not isinstance(key.value, str):
                    continue  # a non-text key: the schema check reports it
                if key.value in seen and self.duplicate is None:
                    self.duplicate = (key.value, key.start_mark.line + 1)
                seen.add(key.value)
                sub = path + (key.value,)
                self.lines[sub] = key.start_mark.line + 1
                self._walk(value, sub)
                self.lines[sub] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for k, item in enumerate(node.value):
                self._walk(item, path + (k,))

    def line(self, path) -> int:
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)
