"""schema.org's vocabulary, for checking the JSON-LD our pages publish.

The vocabulary is schema.org's own definitions file (``schemaorg-current-https.jsonld``). The
tests read a subset of it committed in tests/data/ (see its README), cut by :func:`subset` from
release 12.0: every property whose domain is one of the types our JSON-LD uses or their
superclasses, and the classes those types and the properties' ranges name, with everything
above them; with domains, ranges and the superseded and pending marks, without the labels and
descriptions. A type outside the subset is reported as unknown: the check fails closed. To cut
it again from another release:

    python -m tests.support.schemaorg FULL.jsonld tests/data/schemaorg-12.0-subset.jsonld

:func:`jsonld_problems` walks a JSON-LD object and names every type the vocabulary does not
define, every property not defined for the node's type (or a superclass), every superseded
property, and every value whose type, or literal form, is not in the property's range.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["USED_TYPES", "Vocabulary", "jsonld_problems", "subset", "vocabulary_load"]

SCHEMA = "schema:"
#: The types the site's JSON-LD uses: the subset keeps everything that can apply to them.
USED_TYPES = ["ClaimReview", "Claim", "Rating", "Organization", "Person", "CreativeWork"]
DATA_TYPES = ["Text", "URL", "Date", "DateTime", "Number", "Integer", "Boolean"]

ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")  # ISO 8601, to the precision known
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")
ABSOLUTE_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


def _ids(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item["@id"].removeprefix(SCHEMA) for item in items]


@dataclass
class Vocabulary:
    parents: dict[str, list[str]] = field(default_factory=dict)
    domains: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, list[str]] = field(default_factory=dict)
    superseded: dict[str, list[str]] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)

    def ancestors(self, name: str) -> set[str]:
        """`name` and every class above it."""
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.parents.get(current, []))
        return seen

    def is_class(self, name: str) -> bool:
        return name in self.parents


def _node_types(node: dict[str, Any]) -> list[str]:
    kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
    return [str(k) for k in kinds]


def vocabulary_load(path: Path) -> Vocabulary:
    graph = json.loads(path.read_text(encoding="utf-8"))["@graph"]
    vocabulary = Vocabulary()
    for node in graph:
        name = node["@id"].removeprefix(SCHEMA)
        kinds = _node_types(node)
        if "rdf:Property" in kinds:
            vocabulary.domains[name] = _ids(node.get("schema:domainIncludes"))
            vocabulary.ranges[name] = _ids(node.get("schema:rangeIncludes"))
        elif "rdfs:Class" in kinds or "schema:DataType" in kinds:
            vocabulary.parents[name] = [
                p for p in _ids(node.get("rdfs:subClassOf")) if p != "rdfs:Class"
            ]
        else:
            continue
        if "schema:supersededBy" in node:
            vocabulary.superseded[name] = _ids(node["schema:supersededBy"])
        if "https://pending.schema.org" in _ids(node.get("schema:isPartOf")):
            vocabulary.pending.add(name)
    return vocabulary


def subset(full: Path) -> dict[str, Any]:
    """The part of the full vocabulary file that applies to USED_TYPES (see the module doc)."""
    document = json.loads(full.read_text(encoding="utf-8"))
    vocabulary = vocabulary_load(full)
    relevant: set[str] = set()
    for name in [*USED_TYPES, *DATA_TYPES]:
        relevant |= vocabulary.ancestors(name)
    properties = [
        node
        for node in document["@graph"]
        if "rdf:Property" in _node_types(node)
        and set(vocabulary.domains.get(node["@id"].removeprefix(SCHEMA), [])) & relevant
    ]
    # The classes those properties accept as values, with everything above them.
    classes = set(relevant)
    for node in properties:
        for name in _ids(node.get("schema:rangeIncludes")):
            classes |= vocabulary.ancestors(name)
    keys = [
        "@id",
        "@type",
        "rdfs:subClassOf",
        "schema:domainIncludes",
        "schema:rangeIncludes",
        "schema:supersededBy",
        "schema:isPartOf",
    ]
    kept = [{key: node[key] for key in keys if key in node} for node in properties]
    for node in document["@graph"]:
        if node["@id"].removeprefix(SCHEMA) in classes and "rdf:Property" not in _node_types(node):
            kept.append({key: node[key] for key in keys if key in node})
    kept.sort(key=lambda node: node["@id"])
    return {"@context": document["@context"], "@graph": kept}


def _literal_fits(value: Any, ranges: list[str], vocabulary: Vocabulary) -> bool:
    accepted: set[str] = set()
    for name in ranges:  # a range of Text accepts its subclasses' literals too (URL)
        accepted |= {c for c in vocabulary.parents if name in vocabulary.ancestors(c)}
    if isinstance(value, bool):
        return "Boolean" in accepted
    if isinstance(value, int | float):
        return bool({"Number", "Integer", "Float"} & accepted)
    if not isinstance(value, str):
        return False
    checks = {
        "URL": ABSOLUTE_URL.match(value),
        "Date": ISO_DATE.match(value),
        "DateTime": ISO_DATETIME.match(value),
        "Text": True,
    }
    return any(checks.get(name) for name in accepted if name in checks)


def jsonld_problems(data: Any, vocabulary: Vocabulary, path: str = "$") -> list[str]:
    """Every way `data` (a JSON-LD node with "@type") departs from the vocabulary."""
    problems: list[str] = []
    if not isinstance(data, dict) or "@type" not in data:
        return [f"{path}: not a typed node"]
    kind = str(data["@type"])
    if not vocabulary.is_class(kind):
        return [f"{path}: {kind} is not a schema.org type (or not in the subset)"]
    lineage = vocabulary.ancestors(kind)
    for name, value in data.items():
        if name.startswith("@"):
            continue
        where = f"{path}.{name}"
        if name not in vocabulary.domains:
            problems.append(f"{where}: {name} is not a schema.org property")
            continue
        if name in vocabulary.superseded:
            problems.append(f"{where}: {name} is superseded by {vocabulary.superseded[name]}")
        if not set(vocabulary.domains[name]) & lineage:
            problems.append(f"{where}: {name} is not a property of {kind}")
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            at = f"{where}[{index}]" if isinstance(value, list) else where
            if isinstance(item, dict):
                inner = jsonld_problems(item, vocabulary, at)
                problems.extend(inner)
                item_kind = str(item.get("@type", ""))
                if not inner and not vocabulary.ancestors(item_kind) & set(vocabulary.ranges[name]):
                    problems.append(f"{at}: a {item_kind} is not in the range of {name}")
            elif not _literal_fits(item, vocabulary.ranges[name], vocabulary):
                problems.append(f"{at}: {item!r} does not fit {vocabulary.ranges[name]}")
    return problems


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    cut = subset(source)
    # One node per line: small, and a new release shows as a readable diff.
    lines = [json.dumps(node, ensure_ascii=False, sort_keys=True) for node in cut["@graph"]]
    target.write_text(
        '{"@context": '
        + json.dumps(cut["@context"], sort_keys=True)
        + ',\n"@graph": [\n'
        + ",\n".join(lines)
        + "\n]}\n",
        encoding="utf-8",
    )
