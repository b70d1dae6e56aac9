"""Plain records shared by every layer: nodes as users see them."""

from __future__ import annotations

from dataclasses import dataclass

from .vocab import Area, Kind, Role

__all__ = ["Node"]


@dataclass(frozen=True, slots=True)
class Node:
    """One node of the knowledge graph, as stored in ``kg.graph.nodes[id]``.

    ``codes`` are CURIEs such as ``ICD10CM:M16.9`` or ``HP:0003419``;
    ``prior`` (conditions only) is a probability or ``None`` when unknown.
    """

    id: str
    kind: Kind
    label: str
    synonyms: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    region: Area = Area.OTHER
    definition: str = ""
    red_flag: bool = False
    role: Role | None = None
    prior: float | str | None = None
    references: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.label} [{self.kind.value}: {self.id}]"

    @classmethod
    def from_data(cls, node_id: str, data: dict) -> Node:
        """Build a Node from a graph node's attribute dict."""
        return cls(node_id, **{f: data[f] for f in _FIELDS if f in data})


_FIELDS = tuple(f for f in Node.__dataclass_fields__ if f != "id")
