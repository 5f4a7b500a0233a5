"""Reading a policy file as YAML while keeping where each value came from (for file:line messages)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from karyar.policies.errors import PolicyError

Location = Sequence[int | str]


@dataclass(frozen=True)
class YamlSource:
    path: Path
    data: Any
    root: Node | None

    def line_of(self, location: Location) -> int:
        """The 1-based line of the value at `location`; for a key that is absent, the line of its parent.

        A mapping key points at the key's own line, so «unknown key» and «bad value» both land on it.
        """
        node = self.root
        line = node.start_mark.line if node is not None else 0
        for part in location:
            if isinstance(node, MappingNode):
                match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
                if match is None:
                    break
                line, node = match[0].start_mark.line, match[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line
            else:
                break
        return line + 1

    def error(self, location: Location, message: str) -> PolicyError:
        return PolicyError.at(self.path, self.line_of(location), message)


def read_yaml(path: Path) -> YamlSource:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"{path}: cannot be read ({error.strerror})") from None
    yaml = YAML(typ="safe", pure=True)
    try:
        with warnings.catch_warnings():
            # Dated versions repeat a policy with its anchors; redefining an anchor is valid YAML.
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            return YamlSource(path, yaml.load(text), yaml.compose(text))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        reason = " ".join(part for part in (error.context, error.problem) if part)
        raise PolicyError.at(path, line, f"YAML syntax: {reason}") from None
    except YAMLError as error:
        raise PolicyError.at(path, 1, f"YAML syntax: {error}") from None
