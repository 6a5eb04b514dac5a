"""Clusters of report ids: the union-find that merging grows along links, and that combining reuses to
group a cluster's reports by origin. It knows ids only, never what the reports say."""

from __future__ import annotations

from collections.abc import Iterable


class Clusters:
    """Union-find over report ids, with each cluster's members kept for the conflict check."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}
        self.members = {i: [i] for i in self.parent}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: str, b: str) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        if ra != rb:
            self.parent[rb] = ra
            self.members[ra] += self.members.pop(rb)
