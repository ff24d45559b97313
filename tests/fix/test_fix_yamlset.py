"""yamlset: one scalar set in place (the fast path `scan` uses for CloudFormation suggestions),
checked against the round-trip editor on real templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eksguard.fixes.yamledit import EditError, minimal_edit
from eksguard.fixes.yamlset import block_entry, render, set_scalar
from eksguard.sources.loading import Limits, load_yaml_documents

TEMPLATE = """\
Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: demo
      ResourcesVpcConfig:
        SubnetIds: [subnet-1]
        EndpointPrivateAccess: false   # keep comment

  # the next resource
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
        LaunchTemplateData:
            InstanceType: m5.large
"""


def test_an_existing_scalar_changes_on_its_line_and_keeps_its_comment() -> None:
    edited = set_scalar(TEMPLATE, ("Resources", "Cluster", "Properties", "ResourcesVpcConfig", "EndpointPrivateAccess"),
                        True)
    assert edited == TEMPLATE.replace("EndpointPrivateAccess: false   # keep", "EndpointPrivateAccess: true   # keep")


def test_missing_keys_go_at_the_end_of_the_deepest_mapping_with_its_indentation() -> None:
    edited = set_scalar(TEMPLATE, ("Resources", "LT", "Properties", "LaunchTemplateData", "MetadataOptions",
                                   "HttpTokens"), "required")
    assert edited is not None
    assert edited.endswith("            InstanceType: m5.large\n"
                           "            MetadataOptions:\n"
                           "                HttpTokens: required\n")
    edited = set_scalar(TEMPLATE, ("Resources", "Cluster", "Properties", "AccessConfig", "AuthenticationMode"), "API")
    assert edited is not None
    # after the mapping's last line, before the blank line and the shallower comment that follow it
    assert "# keep comment\n      AccessConfig:\n        AuthenticationMode: API\n\n  # the next" in edited


@pytest.mark.parametrize(("text", "keys"), [
    ("a: {b: 1}\n", ("a", "c")),                          # flow mapping
    ("a:\n  b: |\n    x\n", ("a", "b")),                  # block scalar
    ("a:\n", ("a", "b")),                                 # `a:` is null: a second `a:` would be a duplicate
    ("a:\n  b: !Ref X\n", ("a", "b", "c")),               # an intrinsic decides it
    ("a:\n  - b: 1\n", ("a", "b")),                       # a list
    ("a: &x 1\n", ("a",)),                                # an anchor
    ("- a: 1\n", ("a",)),                                 # the document is a list
])
def test_unusual_shapes_give_no_suggestion(text: str, keys: tuple[str, ...]) -> None:
    assert set_scalar(text, keys, True) is None


def test_crlf_and_a_missing_final_newline_are_kept() -> None:
    text = "a:\r\n  b: 1\r\n  c: x"
    edited = set_scalar(text, ("a", "d"), 2)
    assert edited == "a:\r\n  b: 1\r\n  c: x\n  d: 2\n" or edited == "a:\r\n  b: 1\r\n  c: x\r\n  d: 2\r\n"
    assert set_scalar(text, ("a", "b"), 3) == "a:\r\n  b: 3\r\n  c: x"


@pytest.mark.parametrize("value", [True, False, 0, 7, "API", "required", "yes", "a b", "", "1.5", "null"])
def test_rendered_scalars_read_back_as_themselves(value: bool | int | str) -> None:
    assert load_yaml_documents(f"k: {render(value)}\n", Limits())[0]["k"] == value


EDITS = [
    ("AWS::EKS::Cluster", ("ResourcesVpcConfig", "EndpointPrivateAccess"), True),
    ("AWS::EKS::Cluster", ("AccessConfig", "AuthenticationMode"), "API"),
    ("AWS::EC2::LaunchTemplate", ("LaunchTemplateData", "MetadataOptions", "HttpTokens"), "required"),
    ("AWS::EC2::LaunchTemplate", ("LaunchTemplateData", "MetadataOptions", "HttpPutResponseHopLimit"), 1),
]


def _round_trip_edit(documents: list[Any], keys: tuple[str, ...], value: Any) -> bool:
    from ruamel.yaml.comments import CommentedMap

    node = documents[0]
    for key in keys[:-1]:
        if node.get(key) is None:
            node[key] = CommentedMap()
        node = node[key]
    node[keys[-1]] = value
    return True


def _templates(shared_root: Path) -> list[tuple[str, str]]:
    """eksctl's real CloudFormation templates and resources (JSON in the corpus), as block YAML with two
    indentations, and a comment after every `Properties:` line."""
    import json

    import yaml

    found = []
    for path in sorted((shared_root / "corpus" / "eksctl-cfn").rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "Resources" not in data and all(
                isinstance(v, dict) and "Type" in v for v in data.values()):
            data = {"Resources": data}  # the launch_template cases are bare resource maps
        if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
            continue
        for indent in (2, 4):
            text = yaml.safe_dump(data, indent=indent, sort_keys=False, default_flow_style=False, width=4096)
            found.append((f"{path.name} (indent {indent})", text.replace("Properties:\n", "Properties:  # props\n")))
    return found


def test_same_result_as_the_round_trip_editor_on_real_templates(shared_root: Path) -> None:
    """Wherever the round-trip editor can place an edit, the fast path gives the same text (or
    declines, rarely)."""
    checked = agreed = 0
    for name, text in _templates(shared_root):
        documents = load_yaml_documents(text, Limits())
        for logical_id, resource in documents[0]["Resources"].items():
            for kind, pointer, value in EDITS:
                if not isinstance(resource, dict) or resource.get("Type") != kind:
                    continue
                keys = ("Resources", logical_id, "Properties", *pointer)
                fast = set_scalar(text, keys, value, documents)
                try:
                    slow, _ = minimal_edit(text, lambda docs, k=keys, v=value: _round_trip_edit(docs, k, v))
                except (EditError, AttributeError, TypeError):
                    continue
                checked += 1
                if fast is not None:
                    assert fast == slow.text, (name, keys)
                    agreed += 1
    assert checked >= 40, "eksctl's templates hold clusters and launch templates"
    assert agreed >= checked * 0.9, (agreed, checked)


def test_only_the_changed_resource_is_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = load_yaml_documents

    def spy(text: str, limits: Limits) -> list[Any]:
        parsed.append(text)
        return real(text, limits)

    documents = load_yaml_documents(TEMPLATE, Limits())
    monkeypatch.setattr("eksguard.fixes.yamlset.load_yaml_documents", spy)
    edited = set_scalar(TEMPLATE, ("Resources", "LT", "Properties", "LaunchTemplateData", "MetadataOptions",
                                   "HttpTokens"), "required", documents)
    assert edited is not None and len(parsed) == 1
    assert parsed[0].startswith("  LT:\n") and "Cluster" not in parsed[0] and "HttpTokens: required" in parsed[0]


def test_an_anchored_resource_is_checked_on_the_whole_file() -> None:
    """Changing an anchored mapping changes its aliases too: the whole file shows it, the edit is refused."""
    text = "Resources:\n  A:\n    Type: T\n    Properties: &p\n      X: 1\n  B:\n    Type: T\n    Properties: *p\n"
    assert set_scalar(text, ("Resources", "A", "Properties", "Y"), True) is None


def test_a_file_with_directives_is_checked_whole() -> None:
    text = "%YAML 1.1\n---\nResources:\n  A:\n    Type: T\n    Properties:\n      X: 1\n"
    edited = set_scalar(text, ("Resources", "A", "Properties", "Y"), True)
    assert edited is not None
    assert load_yaml_documents(edited, Limits())[0]["Resources"]["A"]["Properties"] == {"X": 1, "Y": True}


def _marks(node: Any) -> Any:
    """The data with every mapping's and list's line marks, to compare two parses position by position."""
    if isinstance(node, dict):
        return {"line": getattr(node, "line", None), "column": getattr(node, "column", None),
                "marks": dict(getattr(node, "marks", {})), "items": {k: _marks(v) for k, v in node.items()}}
    if isinstance(node, list):
        return {"line": getattr(node, "line", None), "items": [_marks(v) for v in node],
                "item_lines": list(getattr(node, "item_lines", []))}
    return node


def test_a_resource_read_from_its_own_lines_is_the_whole_file_parse_of_it(shared_root: Path) -> None:
    """`block_entry` (what scan's suggestions parse) gives each resource exactly as the whole file's parse
    does, marks included, and the edits made from it are the same text."""
    compared = 0
    for name, text in [*_templates(shared_root), ("fixture", TEMPLATE)]:
        documents = load_yaml_documents(text, Limits())
        for logical_id, resource in documents[0]["Resources"].items():
            entry = block_entry(text, "Resources", logical_id)
            assert entry is not None, (name, logical_id)
            assert _marks(entry[logical_id]) == _marks(resource), (name, logical_id)
            for kind, pointer, value in EDITS:
                if isinstance(resource, dict) and resource.get("Type") == kind:
                    keys = ("Resources", logical_id, "Properties", *pointer)
                    assert set_scalar(text, keys[1:], value, [entry]) == set_scalar(text, keys, value, documents)
            compared += 1
    assert compared >= 100


@pytest.mark.parametrize("text", [
    "Resources:\n  A: &a\n    Type: T\n  B: *a\n",  # an anchor ties entries together
    "Resources:\n  A: {Type: T}\n",  # flow style
    "Resources:\n  A:\n    Type: T\n  A:\n    Type: U\n",  # a duplicate key
    "Resources:\n  A:\n    Type: T\n---\nResources:\n  A:\n    Type: U\n",  # two documents
    "Resources:\n\tA:\n\t\tType: T\n",  # tabs
    "Resources:\n  'A':\n    Type: T\n",  # a quoted key
    "Resources:\n    B:\n      Type: T\n  A:\n    Type: U\n",  # an irregular indentation
])
def test_a_resource_the_line_walk_is_not_sure_of_is_parsed_whole(text: str) -> None:
    assert block_entry(text, "Resources", "A") is None
