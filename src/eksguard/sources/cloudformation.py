"""CloudFormation templates (YAML with short-form tags, or JSON) → the model.

Intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If`,
`Fn::FindInMap`, `Fn::ImportValue` ...) are resolved between the template's resources,
parameters (their `Default`, or `--var Name=value`) and mappings; whatever cannot be resolved is
`unknown`, never an error. Defaults are those of the CloudFormation/EKS/EC2 reference pages
(eks-domain.md §2), each cited where encoded. This module describes; it never judges.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from sys import intern
from typing import Any

from eksguard.analysis.network import (
    RDP_PORT,
    SSH_PORT,
    cluster_security_group,
    defaulted_egress_rule,
    link_remote_access,
)
from eksguard.model import (
    EKS_API,
    AccessEntry,
    AccessPolicyAssociation,
    Addon,
    Cluster,
    FargateProfile,
    IdentityMapping,
    MappingProblem,
    Network,
    NodeGroup,
    Origin,
    Route,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    SshAccess,
    Subnet,
    Text,
    Value,
    Vpc,
    VpcEndpoint,
    declared,
    defaulted,
    unknown,
)
from eksguard.sources import join_stub
from eksguard.sources.fields import (
    OPEN_REMOTE_ACCESS_NOTE,
    Variables,
    as_bool,
    as_int,
    as_str,
    coerce_declared,
    configuration_values,
)
from eksguard.sources.loading import LineList, LineMap

CFN = "CloudFormation"
EKS = EKS_API
EC2 = "EC2 API"
# EKS API CreateNodegroup `instanceTypes`: t3.medium when neither the node group nor its launch
# template names an instance type
DEFAULT_NODE_INSTANCE_TYPE = "t3.medium"
PSEUDO_PARAMETERS = ("AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::Partition",
                     "AWS::URLSuffix", "AWS::NotificationARNs")
MAX_DEPTH = 60
# The AWS Quick Start for EKS (aws-quickstart/quickstart-amazon-eks) creates clusters with its own registry
# type; its properties follow AWS::EKS::Cluster's except logging, aws-auth and access (schema
# awsqs-eks-cluster.json in aws-quickstart/quickstart-amazon-eks-cluster-resource-provider)
QUICKSTART_CLUSTER = "AWSQS::EKS::Cluster"
CLUSTER_TYPES = ("AWS::EKS::Cluster", QUICKSTART_CLUSTER)


# --- Resolution --------------------------------------------------------------------------


class Unknown:
    """A value the template does not determine; `text` is a readable stand-in (`${AWS::Region}`)."""

    __slots__ = ("import_name", "reason", "text")

    def __init__(self, reason: str, text: str | None = None, import_name: str | None = None) -> None:
        self.reason = reason
        self.text = text
        self.import_name = import_name

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


class ClusterNameOf(Unknown):
    """The name of a cluster a parent stack defines, passed to a nested stack, when the parent does not know it
    as a string (`Name` unset or a parameter without a value): the nested stack's node groups still join that
    cluster, by `cluster` (the name eksguard gives it)."""

    __slots__ = ("cluster",)

    def __init__(self, reason: str, text: str, cluster: str) -> None:
        super().__init__(reason, text)
        self.cluster = cluster


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"

    def __bool__(self) -> bool:
        return False


NOVALUE = _NoValue()


class _AZs:
    """`Fn::GetAZs`: the region's zones, unknown by name but distinct by index."""


AZS = _AZs()


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a resource of this template (`Ref X`, or `Fn::GetAtt X.Attr`)."""

    logical_id: str
    attribute: str | None = None

    @property
    def ident(self) -> str:
        return self.logical_id if self.attribute is None else f"{self.logical_id}.{self.attribute}"


def ident(value: Any) -> str | None:
    """A stable identifier for a resolved value: literal ids, logical ids, or the unresolved text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, Ref):
        return value.ident
    if isinstance(value, Unknown):
        if value.import_name:
            return f"import:{value.import_name}"
        return value.text
    return None


def _refs(value: Any) -> Iterator[Ref]:
    """Every resource reference inside a resolved value."""
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def idents(value: Any) -> list[str]:
    if isinstance(value, list):
        return [i for i in (ident(v) for v in value) if i]
    found = ident(value)
    return [found] if found else []


def text_of(value: Any) -> str | None:
    """A best-effort string: the value, or the unresolved text with placeholders."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, Unknown):
        return value.text
    if isinstance(value, Ref):
        return value.ident
    return None


_SUB = re.compile(r"\$\{([^}]*)\}")
INTRINSICS = ("Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If", "Fn::FindInMap",
              "Fn::ImportValue", "Fn::GetAZs", "Fn::Base64", "Fn::Cidr", "Fn::Equals", "Fn::Not", "Fn::And",
              "Fn::Or", "Condition", "Fn::Transform", "Fn::Length", "Fn::ToJsonString")


class Template:
    """One template's resources, parameters, mappings and conditions, with a resolver."""

    def __init__(self, document: Mapping[str, Any], path: str, variables: Variables, bare: bool,
                 parameters: Mapping[str, Any] | None = None) -> None:
        """`parameters`: the values a parent stack passes (resolved in the parent); they win over the template's
        defaults and over `--var`, as CloudFormation gives a nested stack what its parent passes."""
        self.path = path
        self.bare = bare
        self.values: Mapping[str, Any] = {**variables.values, **parameters} if parameters else variables.values
        resources = document if bare else document.get("Resources")
        self.resources: Mapping[str, Any] = resources if isinstance(resources, Mapping) else {}
        parameters = {} if bare else document.get("Parameters")
        self.parameters: Mapping[str, Any] = parameters if isinstance(parameters, Mapping) else {}
        mappings = {} if bare else document.get("Mappings")
        self.mappings: Mapping[str, Any] = mappings if isinstance(mappings, Mapping) else {}
        conditions = {} if bare else document.get("Conditions")
        self.conditions: Mapping[str, Any] = conditions if isinstance(conditions, Mapping) else {}
        self._condition_cache: dict[str, bool | None] = {}
        # logical ids by type, in template order: the builder asks for each type many times
        self._by_type: dict[str, list[str]] = {}
        for logical_id, node in self.resources.items():
            kind = node.get("Type") if isinstance(node, Mapping) else None
            if isinstance(kind, str):
                self._by_type.setdefault(kind, []).append(str(logical_id))

    # resources

    def of_type(self, *kinds: str) -> Iterator[Res]:
        """The resources of these types (in the order given, then template order) not excluded by a condition
        known to be false."""
        for kind in kinds:
            for logical_id in self._by_type.get(kind, ()):
                node = self.resources[logical_id]
                if self.included(node):
                    yield Res(self, logical_id, node)

    def custom_resources(self) -> Iterator[Res]:
        return self.of_type(*(kind for kind in self._by_type
                              if kind.startswith("Custom::") or kind == "AWS::CloudFormation::CustomResource"))

    def type_of(self, logical_id: str) -> str | None:
        node = self.resources.get(logical_id)
        return str(node.get("Type")) if isinstance(node, Mapping) else None

    def resource(self, logical_id: str | None) -> Res | None:
        node = self.resources.get(logical_id) if logical_id else None
        return Res(self, str(logical_id), node) if isinstance(node, Mapping) else None

    def included(self, node: Mapping[str, Any]) -> bool:
        """False only when the resource's `Condition` is known to be false."""
        condition = node.get("Condition")
        return not (isinstance(condition, str) and self.condition(condition) is False)

    def line_of(self, logical_id: str) -> tuple[int | None, int | None]:
        if isinstance(self.resources, LineMap) and logical_id in self.resources.marks:
            return self.resources.marks[logical_id]
        return None, None

    # conditions

    def condition(self, name: str, depth: int = 0) -> bool | None:
        if name in self._condition_cache:
            return self._condition_cache[name]
        self._condition_cache[name] = None  # cycle guard
        result = self._truth(self.conditions.get(name), depth + 1)
        self._condition_cache[name] = result
        return result

    def _truth(self, node: Any, depth: int) -> bool | None:
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, bool):
            return node
        if isinstance(node, str) and node.lower() in ("true", "false"):
            return node.lower() == "true"
        if not isinstance(node, Mapping) or len(node) != 1:
            return None
        key, arg = next(iter(node.items()))
        if key == "Condition" and isinstance(arg, str):
            return self.condition(arg, depth)
        if key == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            left, right = (self.resolve(a, depth + 1) for a in arg)
            if isinstance(left, (Unknown, Ref)) or isinstance(right, (Unknown, Ref)):
                return None
            return _scalar_text(left) == _scalar_text(right)
        if key == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            inner = self._truth(arg[0], depth + 1)
            return None if inner is None else not inner
        if key in ("Fn::And", "Fn::Or") and isinstance(arg, list):
            values = [self._truth(a, depth + 1) for a in arg]
            if key == "Fn::And":
                return False if False in values else (None if None in values else True)
            return True if True in values else (None if None in values else False)
        return None

    # values

    def resolve(self, node: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            return Unknown("nested too deeply")
        if isinstance(node, Mapping):
            if len(node) == 1:
                key = next(iter(node))
                if key in INTRINSICS:
                    return self._intrinsic(str(key), node[key], depth + 1)
            return {k: v for k, v in ((k, self.resolve(v, depth + 1)) for k, v in node.items()) if v is not NOVALUE}
        if isinstance(node, list):
            return [v for v in (self.resolve(item, depth + 1) for item in node) if v is not NOVALUE]
        return node

    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            return Unknown("Ref to a non-string")
        if name == "AWS::NoValue":
            return NOVALUE
        if name in self.values:
            return self.values[name]
        if name in PSEUDO_PARAMETERS:
            return Unknown(f"{name} is known only at deploy time", "${" + name + "}")
        if name in self.parameters:
            parameter = self.parameters[name]
            if isinstance(parameter, Mapping) and "Default" in parameter:
                default = parameter["Default"]
                kind = str(parameter.get("Type", ""))
                if (kind == "CommaDelimitedList" or kind.startswith("List<")) and isinstance(default, str):
                    # one string more than commas, each space-trimmed: "" is [""] (AWS CloudFormation User
                    # Guide, parameters-section-structure; templates test `!Select [0, List]` against "")
                    return [item.strip() for item in default.split(",")]
                return default
            return Unknown(f"parameter {name} has no Default (pass --var {name}=VALUE)", "${" + name + "}")
        if name in self.resources:
            return Ref(name)
        return Unknown(f"Ref to {name}, which this template does not define", "${" + name + "}")

    def _intrinsic(self, key: str, arg: Any, depth: int) -> Any:
        if key == "Ref":
            return self._ref(arg)
        if key == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else arg
            if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[0], str):
                attribute = self.resolve(parts[1], depth)
                if parts[0] in self.resources and isinstance(attribute, str):
                    return Ref(parts[0], attribute)
                return Unknown(f"GetAtt {parts[0]}, which this template does not define",
                               "${" + f"{parts[0]}.{attribute}" + "}")
            return Unknown("malformed Fn::GetAtt")
        if key == "Fn::Sub":
            return self._sub(arg, depth)
        if key == "Fn::Join":
            if not (isinstance(arg, list) and len(arg) == 2):
                return Unknown("malformed Fn::Join")
            separator = self.resolve(arg[0], depth)
            items = self.resolve(arg[1], depth)
            if not isinstance(separator, str) or not isinstance(items, list):
                return Unknown("Fn::Join over values not in this template")
            return _join(separator, items)
        if key == "Fn::Select":
            if not (isinstance(arg, list) and len(arg) == 2):
                return Unknown("malformed Fn::Select")
            index = as_int(self.resolve(arg[0], depth))
            items = self.resolve(arg[1], depth)
            if index is None:
                return Unknown("Fn::Select with an unknown index")
            if items is AZS:
                return f"(availability zone #{index + 1} of the region)"
            if isinstance(items, list) and 0 <= index < len(items):
                return items[index]
            return Unknown("Fn::Select from a list not in this template")
        if key == "Fn::Split":
            if not (isinstance(arg, list) and len(arg) == 2):
                return Unknown("malformed Fn::Split")
            separator, source = self.resolve(arg[0], depth), self.resolve(arg[1], depth)
            if isinstance(separator, str) and isinstance(source, str):
                return source.split(separator)
            return Unknown("Fn::Split of a value not in this template")
        if key == "Fn::If":
            if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
                return Unknown("malformed Fn::If")
            truth = self.condition(arg[0])
            if truth is not None:
                return self.resolve(arg[1 if truth else 2], depth)
            first, second = self.resolve(arg[1], depth), self.resolve(arg[2], depth)
            if _same(first, second):
                return first
            return Unknown(f"depends on condition {arg[0]}")
        if key == "Fn::FindInMap":
            if not (isinstance(arg, list) and len(arg) >= 3):
                return Unknown("malformed Fn::FindInMap")
            keys = [self.resolve(a, depth) for a in arg[:3]]
            node: Any = self.mappings
            for part in keys:
                if not isinstance(part, str) or not isinstance(node, Mapping) or part not in node:
                    if len(arg) == 4 and isinstance(arg[3], Mapping) and "DefaultValue" in arg[3]:
                        return self.resolve(arg[3]["DefaultValue"], depth)
                    return Unknown("Fn::FindInMap with a key not in the mapping")
                node = node[part]
            return self.resolve(node, depth)
        if key == "Fn::ImportValue":
            name = self.resolve(arg, depth)
            text = text_of(name)
            return Unknown(f"imported from another stack ({text})", "${Import:" + str(text) + "}", import_name=text)
        if key == "Fn::GetAZs":
            return AZS
        if key == "Fn::Base64":
            return self.resolve(arg, depth)
        if key == "Condition" and isinstance(arg, str):
            truth = self.condition(arg)
            return Unknown(f"depends on condition {arg}") if truth is None else truth
        if key in ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"):
            truth = self._truth({key: arg}, depth)
            return Unknown(f"{key} of values not in this template") if truth is None else truth
        return Unknown(f"{key} is not evaluated")

    def _sub(self, arg: Any, depth: int) -> Any:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], Mapping):
            text, local = arg[0], {k: self.resolve(v, depth) for k, v in arg[1].items()}
        elif isinstance(arg, str):
            text, local = arg, {}
        else:
            return Unknown("malformed Fn::Sub")
        unresolved: list[str] = []

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in local:
                value = local[name]
            elif "." in name and name.split(".", 1)[0] in self.resources:
                value = Ref(*name.split(".", 1))
            else:
                value = self._ref(name)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return str(value)
            unresolved.append(name)
            if isinstance(value, Ref):
                return "${" + value.ident + "}"
            return (value.text if isinstance(value, Unknown) and value.text else "${" + name + "}")

        result = _SUB.sub(replace, text)
        if unresolved:
            return Unknown(f"Fn::Sub with {', '.join(unresolved)} known only at deploy time", result)
        return result


def _scalar_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _same(first: Any, second: Any) -> bool:
    if isinstance(first, Unknown) or isinstance(second, Unknown):
        return False
    return bool(first == second)


def _join(separator: str, items: list[Any]) -> Any:
    parts: list[str] = []
    unresolved = False
    for item in items:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            parts.append(str(item))
        else:
            unresolved = True
            parts.append(text_of(item) or "${?}")
    joined = separator.join(parts)
    return Unknown("Fn::Join with values known only at deploy time", joined) if unresolved else joined


# --- Resources ---------------------------------------------------------------------------


class Res:
    """One resource: raw properties with their lines, and typed values."""

    def __init__(self, template: Template, logical_id: str, node: Mapping[str, Any]) -> None:
        self.template = template
        self.id = logical_id
        self.node = node
        self.type = str(node.get("Type"))
        props = node.get("Properties")
        self.props: Mapping[str, Any] = props if isinstance(props, Mapping) else {}
        line, column = template.line_of(logical_id)
        self.line = line or getattr(node, "line", None) or None
        self.column = column or getattr(node, "column", None) or None
        self.base = logical_id if template.bare else f"Resources.{logical_id}"

    @property
    def path(self) -> str:
        return self.template.path

    def origin(self, pointer: str = "") -> Origin:
        """The position of Properties.`pointer` if present, else of its nearest present parent, else the
        resource's logical id."""
        line, column = self.line, self.column
        node: Any = self.node
        parts = ["Properties", *pointer.split(".")] if pointer else []
        for part in parts:
            if isinstance(node, Mapping) and part in node:
                if isinstance(node, LineMap):
                    line, column = node.marks.get(part, (line, column))
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                index = int(part)
                if isinstance(node, LineList) and index < len(node.item_lines):
                    line = node.item_lines[index]
                node = node[index]
            else:
                break
        # interned: the model keeps a pointer per value, and the same pointers recur in every template
        full = intern(f"{self.base}.Properties.{pointer}") if pointer else self.base
        return Origin(self.path, line, column, full, None)

    def raw(self, pointer: str) -> tuple[bool, Any]:
        node: Any = self.props
        for part in pointer.split("."):
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return False, None
        return True, node

    def get(self, pointer: str) -> Any:
        """The resolved value, or NOVALUE when absent."""
        present, raw = self.raw(pointer)
        if not present or raw is None:
            return NOVALUE
        return self.template.resolve(raw)

    def items(self, pointer: str) -> list[tuple[str, Any]]:
        """(pointer of the item, resolved item) for a list property."""
        present, raw = self.raw(pointer)
        if not present:
            return []
        if not isinstance(raw, list):  # a list an intrinsic chooses (`!If [Cond, [...], !Ref AWS::NoValue]`)
            resolved = self.template.resolve(raw)
            return [(f"{pointer}.{index}", item) for index, item in enumerate(resolved)] \
                if isinstance(resolved, list) else []
        out = []
        for index, item in enumerate(raw):
            resolved = self.template.resolve(item)
            if resolved is not NOVALUE:
                out.append((f"{pointer}.{index}", resolved))
        return out

    def value(self, pointer: str, kind: Any, default: Any, tool: str, note: Text | None = None,
              default_origin: Origin | None = None) -> Value[Any]:
        resolved = self.get(pointer)
        origin = self.origin(pointer)
        if resolved is NOVALUE:
            return defaulted(default, tool, default_origin or origin, note)
        if isinstance(resolved, Unknown):
            return unknown(origin, Text(f"`{pointer}` is not known here: {resolved.reason}",
                                        f"`{pointer}` はここでは不明です: {resolved.reason}"))
        return coerce_declared(resolved, kind, origin, pointer)

    def str_list(self, pointer: str, default: list[str] | None, tool: str, note: Text | None = None,
                 default_origin: Origin | None = None) -> Value[list[str]]:
        resolved = self.get(pointer)
        origin = self.origin(pointer)
        if resolved is NOVALUE:
            return defaulted(default, tool, default_origin or origin, note)
        items = resolved if isinstance(resolved, list) else [resolved]
        unresolved = [i for i in items if not isinstance(i, (str, int)) or isinstance(i, bool)]
        if unresolved:
            reason = unresolved[0].reason if isinstance(unresolved[0], Unknown) else "a reference"
            return unknown(origin, Text(f"`{pointer}` is not known here: {reason}",
                                        f"`{pointer}` はここでは不明です: {reason}"))
        return declared([str(i) for i in items], origin)

    def text(self, pointer: str) -> str | None:
        resolved = self.get(pointer)
        return None if resolved is NOVALUE else text_of(resolved)

    def known_text(self, pointer: str) -> str | None:
        resolved = self.get(pointer)
        return str(resolved) if isinstance(resolved, (str, int)) and not isinstance(resolved, bool) else None

    def tags(self, pointer: str = "Tags") -> dict[str, str]:
        resolved = self.get(pointer)
        tags: dict[str, str] = {}
        if isinstance(resolved, list):
            for item in resolved:
                if isinstance(item, Mapping) and isinstance(item.get("Key"), str):
                    tags[item["Key"]] = text_of(item.get("Value")) or ""
        elif isinstance(resolved, Mapping):
            tags = {str(k): text_of(v) or "" for k, v in resolved.items()}
        return tags


# --- Detection ---------------------------------------------------------------------------


# AWS::Service::Type, Custom::Name, and the registry's third-party types (AWSQS::EKS::Cluster)
_RESOURCE_TYPE = re.compile(r"Custom::[\w.-]+|[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+")


def _typed(node: Any) -> bool:
    return isinstance(node, Mapping) and isinstance(node.get("Type"), str)


def template_kind(document: Any) -> str | None:
    """"template" for a CloudFormation template, "bare" for a bare resource map (eksctl's builder
    test data), else None."""
    if not isinstance(document, Mapping) or not document:
        return None
    if "apiVersion" in document or "kind" in document:
        return None
    resources = document.get("Resources")
    if isinstance(resources, Mapping) and (
            "AWSTemplateFormatVersion" in document
            or any(_typed(r) and _RESOURCE_TYPE.fullmatch(str(r["Type"])) for r in resources.values())):
        return "template"
    if "AWSTemplateFormatVersion" in document:
        return "template"
    if all(_typed(r) for r in document.values()) and any(
            str(r["Type"]).startswith("AWS::") for r in document.values()):
        return "bare"
    return None


# --- Network -----------------------------------------------------------------------------

ROUTE_TARGETS = (("GatewayId", None), ("NatGatewayId", "nat"), ("TransitGatewayId", "tgw"),
                 ("EgressOnlyInternetGatewayId", "eigw"), ("InstanceId", "instance"),
                 ("NetworkInterfaceId", "instance"), ("VpcEndpointId", "vpce"),
                 ("VpcPeeringConnectionId", "other"), ("CarrierGatewayId", "other"), ("LocalGatewayId", "other"),
                 ("CoreNetworkArn", "other"))


def _gateway_kind(template: Template, value: Any) -> str:
    if isinstance(value, Ref):
        kind = template.type_of(value.logical_id)
        return {"AWS::EC2::InternetGateway": "igw", "AWS::EC2::VPNGateway": "other",
                "AWS::EC2::NatGateway": "nat", "AWS::EC2::TransitGateway": "tgw"}.get(kind or "", "other")
    text = text_of(value) or ""
    if isinstance(value, str):
        if value == "local":
            return "local"
        if value.startswith("igw-"):
            return "igw"
        return "other"
    if "InternetGateway" in text:
        return "igw"
    return "unknown"


def _route(res: Res, template: Template) -> Route | None:
    destination = res.get("DestinationCidrBlock")
    if destination is NOVALUE:
        destination = res.get("DestinationIpv6CidrBlock")
    if destination is NOVALUE:
        destination = res.get("DestinationPrefixListId")
    dest = text_of(destination) or "unknown"
    for prop, kind in ROUTE_TARGETS:
        target = res.get(prop)
        if target is NOVALUE:
            continue
        return Route(dest, kind or _gateway_kind(template, target), ident(target), res.origin(prop))
    return Route(dest, "unknown", None, res.origin())


def endpoint_service(name: str | None) -> str | None:
    """`com.amazonaws.us-west-2.ecr.api` (or with `${AWS::Region}`) → `ecr.api`."""
    if not name:
        return None
    match = re.match(r"^(?:[a-z0-9.-]*?amazonaws\.(?:com\.)?)?(?:\$\{[^}]+\}|[a-z]{2}(?:-[a-z]+)+-\d+)\.(.+)$", name)
    return match.group(1) if match else name.rsplit(".", 1)[-1]


_PROTOCOLS = {"-1": "-1", "all": "-1", "6": "tcp", "tcp": "tcp", "17": "udp", "udp": "udp", "1": "icmp",
              "icmp": "icmp", "58": "icmpv6", "icmpv6": "icmpv6"}


def _sg_rule(direction: str, item: Mapping[str, Any], origin: Origin) -> SecurityGroupRule:
    protocol = _PROTOCOLS.get(str(text_of(item.get("IpProtocol")) or "-1").lower(), str(item.get("IpProtocol")))
    from_port = as_int(item.get("FromPort")) if not isinstance(item.get("FromPort"), Unknown) else None
    to_port = as_int(item.get("ToPort")) if not isinstance(item.get("ToPort"), Unknown) else None
    if isinstance(item.get("FromPort"), int) and item.get("FromPort") == -1:
        from_port, to_port = None, None
    cidr = None
    unknown: Text | None = None
    for key in ("CidrIp", "CidrIpv6"):
        if key in item:
            cidr = text_of(item[key]) if not isinstance(item[key], Unknown) else None
            if isinstance(item[key], Unknown):
                unknown = _not_determined(key, item[key])
    for key in ("FromPort", "ToPort"):
        if unknown is None and protocol != "-1" and isinstance(item.get(key), Unknown):
            unknown = _not_determined(key, item[key])
    group_key = "SourceSecurityGroupId" if direction == "ingress" else "DestinationSecurityGroupId"
    source = ident(item.get(group_key)) if group_key in item else None
    if source is None and direction == "ingress" and "SourceSecurityGroupName" in item:
        source = ident(item.get("SourceSecurityGroupName"))
    if source is None and "SourcePrefixListId" in item:
        cidr = text_of(item.get("SourcePrefixListId"))
    if source is None and "DestinationPrefixListId" in item:
        cidr = text_of(item.get("DestinationPrefixListId"))
    return SecurityGroupRule(direction, protocol, from_port, to_port, cidr, source,
                             text_of(item.get("Description")), origin, unknown)


def _not_determined(key: str, value: Unknown) -> Text:
    written = f" ({value.text})" if value.text else ""
    return Text(f"`{key}` is not determined by the template{written}: {value.reason}",
                f"`{key}` はテンプレートからは決まりません{written}: {value.reason}")


RULE_PEERS = ("CidrIp", "CidrIpv6", "SourceSecurityGroupId", "DestinationSecurityGroupId", "SourcePrefixListId",
              "DestinationPrefixListId")


def _rule_origin(res: Res, pointer: str, item: Mapping[str, Any]) -> Origin:
    """A rule's peer (`CidrIp: 0.0.0.0/0` ...) is what a finding points at; else the rule itself."""
    peer = next((key for key in RULE_PEERS if key in item), None)
    return res.origin(f"{pointer}.{peer}" if peer else pointer)


def _cluster_sg_ref(value: str | None) -> bool:
    """`Fn::GetAtt Cluster.ClusterSecurityGroupId`, or an export of it (eksctl: `STACK::ClusterSecurityGroupId`)."""
    text = str(value or "")
    return text.endswith(".ClusterSecurityGroupId") or (text.startswith("import:")
                                                         and text.endswith("ClusterSecurityGroupId"))


def build_network(template: Template) -> Network:
    network = Network()
    for res in template.of_type("AWS::EC2::VPC"):
        # a new VPC's main route table holds only the local route; a template cannot add routes to it
        network.route_tables[f"{res.id}.MainRouteTable"] = RouteTable(
            f"{res.id}.MainRouteTable", res.id, [Route(res.known_text("CidrBlock") or "local", "local", "local")],
            main=True)
    for res in template.of_type("AWS::EC2::Subnet"):
        az = res.value("AvailabilityZone", as_str, None, CFN)
        if not res.raw("AvailabilityZone")[0] and res.raw("AvailabilityZoneId")[0]:
            az = res.value("AvailabilityZoneId", as_str, None, CFN)
        network.subnets[res.id] = Subnet(
            res.id, res.origin(), ident(res.get("VpcId")), az, res.known_text("CidrBlock"),
            # AWS::EC2::Subnet: MapPublicIpOnLaunch defaults to false (eks-domain.md §2)
            res.value("MapPublicIpOnLaunch", as_bool, False, CFN, default_origin=res.origin()),
            res.tags())
    for res in template.of_type("AWS::EC2::RouteTable"):
        network.route_tables[res.id] = RouteTable(res.id, ident(res.get("VpcId")), [], origin=res.origin())
    for res in template.of_type("AWS::EC2::Route"):
        table = network.route_tables.get(ident(res.get("RouteTableId")) or "")
        route = _route(res, template)
        if table is not None and route is not None:
            table.routes.append(route)
    for res in template.of_type("AWS::EC2::SubnetRouteTableAssociation"):
        subnet = network.subnets.get(ident(res.get("SubnetId")) or "")
        if subnet is not None:
            subnet.route_table_id = ident(res.get("RouteTableId"))
    network.internet_gateways = [res.id for res in template.of_type("AWS::EC2::InternetGateway")]
    network.nat_gateways = [res.id for res in template.of_type("AWS::EC2::NatGateway")]
    network.endpoints = [endpoint for endpoint, _ in endpoints_of(template)]
    for res in template.of_type("AWS::EC2::SecurityGroup"):
        sg = SecurityGroup(res.id, res.origin(), res.known_text("GroupName") or res.known_text("GroupDescription"),
                           ident(res.get("VpcId")))
        for pointer, item in res.items("SecurityGroupIngress"):
            if isinstance(item, Mapping):
                sg.rules.append(_sg_rule("ingress", item, _rule_origin(res, pointer, item)))
        egress = res.items("SecurityGroupEgress")
        for pointer, item in egress:
            if isinstance(item, Mapping):
                sg.rules.append(_sg_rule("egress", item, _rule_origin(res, pointer, item)))
        if not egress:
            # AWS::EC2::SecurityGroup: EC2 adds an allow-all egress rule unless egress rules are given
            sg.rules.append(defaulted_egress_rule(res.origin(), CFN))
        network.security_groups[res.id] = sg
    for kind, direction in (("AWS::EC2::SecurityGroupIngress", "ingress"), ("AWS::EC2::SecurityGroupEgress", "egress")):
        for res in template.of_type(kind):
            group = ident(res.get("GroupId")) or ident(res.get("GroupName"))
            if not group:
                continue
            target = network.security_groups.get(group)
            if target is None:
                target = SecurityGroup(group, res.origin(), group,
                                       managed_by="EKS" if _cluster_sg_ref(group) else None)
                network.security_groups[group] = target
            props = _props(res)
            peer = next((key for key in RULE_PEERS if key in props), None)
            target.rules.append(_sg_rule(direction, props, res.origin(peer) if peer else res.origin()))
    return network


def endpoints_of(template: Template) -> list[tuple[VpcEndpoint, str | None]]:
    """Each VPC endpoint with the VPC it belongs to."""
    found = []
    for res in template.of_type("AWS::EC2::VPCEndpoint"):
        service = endpoint_service(res.text("ServiceName"))
        if service:
            # AWS::EC2::VPCEndpoint: VpcEndpointType defaults to Gateway (eks-domain.md §2)
            kind = res.known_text("VpcEndpointType") or "Gateway"
            found.append((VpcEndpoint(service, kind, res.origin("ServiceName")), ident(res.get("VpcId"))))
    return found


def _props(res: Res) -> dict[str, Any]:
    resolved = res.template.resolve(res.props)
    return resolved if isinstance(resolved, dict) else {}


# --- IAM ---------------------------------------------------------------------------------


def _statement_actions(document: Any) -> list[str]:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return []
    statements = document.get("Statement") if isinstance(document, Mapping) else None
    if isinstance(statements, Mapping):
        statements = [statements]
    actions: list[str] = []
    for statement in statements if isinstance(statements, list) else []:
        if isinstance(statement, Mapping) and statement.get("Effect", "Allow") == "Allow":
            action = statement.get("Action")
            actions.extend(a for a in (action if isinstance(action, list) else [action]) if isinstance(a, str))
    return actions


def role_policies(template: Template) -> dict[str, Value[list[str]]]:
    """Policies of each AWS::IAM::Role: managed policy ARNs, `inline:NAME` for inline policies, `*` when an
    inline policy allows every action."""
    found: dict[str, tuple[list[str], Origin]] = {}
    for res in template.of_type("AWS::IAM::Role"):
        policies: list[str] = []
        for _, arn in res.items("ManagedPolicyArns"):
            text = text_of(arn)
            if text:
                policies.append(text)
        for _, policy in res.items("Policies"):
            if isinstance(policy, Mapping):
                policies.append(f"inline:{text_of(policy.get('PolicyName')) or 'policy'}")
                if "*" in _statement_actions(policy.get("PolicyDocument")):
                    policies.append("*")
        origin = res.origin("ManagedPolicyArns") if res.raw("ManagedPolicyArns")[0] else res.origin()
        found[res.id] = (policies, origin)
    for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"):
        for res in template.of_type(kind):
            roles = idents(res.get("Roles")) + idents(res.get("RoleName"))
            star = "*" in _statement_actions(res.get("PolicyDocument"))
            for role in roles:
                if role in found:
                    name = res.text("PolicyName") or res.text("ManagedPolicyName") or res.id
                    found[role][0].append(f"inline:{name}")
                    if star:
                        found[role][0].append("*")
    for res in template.of_type("AWS::IAM::ManagedPolicy"):
        for role in idents(res.get("Roles")):
            if role in found and "*" in _statement_actions(res.get("PolicyDocument")):
                found[role][0].append("*")
    return {role: declared(policies, origin) for role, (policies, origin) in found.items()}


def _instance_profile_roles(template: Template) -> dict[str, str]:
    profiles: dict[str, str] = {}
    for res in template.of_type("AWS::IAM::InstanceProfile"):
        roles = idents(res.get("Roles"))
        if roles:
            profiles[res.id] = roles[0]
    return profiles


# --- Clusters ----------------------------------------------------------------------------

ADDON_NOTE = Text("no `eks-pod-identity-agent` addon or pod identity association in this template",
                  "このテンプレートには `eks-pod-identity-agent` アドオンも Pod Identity の関連付けもありません")
OIDC_NOTE = Text("no AWS::IAM::OIDCProvider for the cluster in this template (if it is created elsewhere, "
                 "suppress this finding with the reason)",
                 "このテンプレートにはクラスター用の AWS::IAM::OIDCProvider がありません（別の場所で作成している場合は理由を添えて抑制してください）")
DEFAULT_LT_TOKENS_NOTE = Text(
    "no launch template: EKS creates one whose IMDSv2 setting depends on the AMI and the account's IMDS defaults",
    "起動テンプレートがないため、EKS が作成するテンプレートの IMDSv2 設定は AMI とアカウントの IMDS デフォルトによります")
ACCOUNT_ENCRYPTION_NOTE = Text(
    "the root volume does not set `Encrypted`; the account's EBS encryption-by-default setting decides",
    "ルートボリュームに `Encrypted` がないため、アカウントの EBS デフォルト暗号化設定で決まります")


def cluster_name(res: Res) -> str:
    """The name eksguard gives a cluster resource: its `Name`, else its logical id."""
    return res.known_text("Name") or res.id


def _stub_cluster(name: str, origin: Origin, network: Network) -> Cluster:
    """A cluster this template does not define (a node group stack): only what the template adds to it."""
    cluster = Cluster(name=name, source="cloudformation", origin=origin, network=network)
    cluster.notes.append(Text(f"cluster {name} is defined outside this template",
                              f"クラスター {name} はこのテンプレートの外で定義されています"))
    return cluster


class _Builder:
    def __init__(self, template: Template, stem: str) -> None:
        self.t = template
        self.stem = stem
        self.network = build_network(template)
        self.roles = role_policies(template)
        self.profiles = _instance_profile_roles(template)
        self.clusters: dict[str, Cluster] = {}  # logical id (or "stub:name") -> cluster
        self.by_name: dict[str, Cluster] = {}
        self.used_templates: set[str] = set()

    # clusters

    def cluster_network(self, cluster: Cluster, subnet_ids: list[str], sg_ids: list[str]) -> Network:
        network = self.network
        vpc_ids = {network.subnets[s].vpc_id for s in subnet_ids if s in network.subnets}
        vpc_ids |= {network.security_groups[s].vpc_id for s in sg_ids if s in network.security_groups}
        vpc_ids.discard(None)
        vpcs = {res.id: res for res in self.t.of_type("AWS::EC2::VPC")}
        vpc_id = next(iter(vpc_ids)) if len(vpc_ids) == 1 else (next(iter(vpcs)) if len(vpcs) == 1 else None)
        if vpc_id is None or vpc_id not in vpcs:
            return Network(None, network.subnets, network.route_tables, network.security_groups,
                           list(network.endpoints), False, list(network.internet_gateways),
                           list(network.nat_gateways))
        vpc = build_vpc(vpcs[vpc_id])
        endpoints = [e for e, endpoint_vpc in endpoints_of(self.t) if endpoint_vpc in (vpc_id, None)]
        return Network(vpc, network.subnets, network.route_tables, network.security_groups, endpoints, True,
                       list(network.internet_gateways), list(network.nat_gateways))

    def read_cluster(self, res: Res) -> Cluster:
        name = cluster_name(res)
        vpc = "ResourcesVpcConfig"
        anchor = res.origin(vpc) if res.raw(vpc)[0] else res.origin()
        # EKS API VpcConfigRequest: endpointPublicAccess defaults to true, endpointPrivateAccess to false,
        # publicAccessCidrs to ["0.0.0.0/0"] (eks-domain.md §2)
        public = res.value(f"{vpc}.EndpointPublicAccess", as_bool, True, EKS, Text(
            "`EndpointPublicAccess` is not set; EKS turns the public endpoint on",
            "`EndpointPublicAccess` が未設定のため、EKS はパブリックエンドポイントを有効にします"), anchor)
        private = res.value(f"{vpc}.EndpointPrivateAccess", as_bool, False, EKS, Text(
            "`EndpointPrivateAccess` is not set; EKS leaves the private endpoint off",
            "`EndpointPrivateAccess` が未設定のため、EKS はプライベートエンドポイントを無効のままにします"), anchor)
        cidrs = res.str_list(f"{vpc}.PublicAccessCidrs", ["0.0.0.0/0"], EKS, Text(
            "`PublicAccessCidrs` is not set; EKS allows 0.0.0.0/0",
            "`PublicAccessCidrs` が未設定のため、EKS は 0.0.0.0/0 を許可します"), anchor)
        subnet_ids = idents(res.get(f"{vpc}.SubnetIds"))
        sg_ids = idents(res.get(f"{vpc}.SecurityGroupIds"))
        quickstart = res.type == QUICKSTART_CLUSTER
        logs = self._log_types(res, "EnabledClusterLoggingTypes" if quickstart else "Logging.ClusterLogging.EnabledTypes")
        auth, creator = self._quickstart_access(res) if quickstart else self._access_config(res)
        version = res.value("Version", as_str, None, EKS, Text(
            "`Version` is not set; EKS creates the cluster with its default (latest) version, unknown here",
            "`Version` が未設定のため、EKS は既定（最新）のバージョンで作成します。ここでは不明です"), res.origin())
        key = self._kms_key(res)
        cluster = Cluster(
            name=name, source="cloudformation", origin=res.origin("Name") if res.raw("Name")[0] else res.origin(),
            version=version, endpoint_public_access=public, endpoint_private_access=private,
            public_endpoint_cidrs=cidrs, log_types=logs, secrets_kms_key=key, authentication_mode=auth,
            bootstrap_creator_admin=creator, control_plane_security_group_ids=sg_ids,
            control_plane_subnet_ids=subnet_ids, cluster_security_group_id=f"{res.id}.ClusterSecurityGroupId",
            access_entries=[], addons=[], identity_mappings=None,
            uses_cloudwatch_logging=bool(logs.value), cloudformation_type=res.type,
            # KubernetesNetworkConfig.IpFamily: the EKS API's ipv4 when not set
            ip_family=res.value("KubernetesNetworkConfig.IpFamily", as_str, "ipv4", EKS, None, res.origin()))
        if quickstart:
            self._quickstart_api_access(res, cluster)
        cluster.network = self.cluster_network(cluster, subnet_ids, sg_ids)
        subnets_origin = res.origin(f"{vpc}.SubnetIds")
        cluster.cluster_subnet_azs = self._azs(subnet_ids, subnets_origin)
        cluster.control_plane_in_public_subnets = self._public(cluster.network, subnet_ids, subnets_origin)
        auto_mode = res.value("ComputeConfig.Enabled", as_bool, False, EKS)
        cluster.pod_identity_enabled = (declared(True, auto_mode.origin) if auto_mode.value
                                        else defaulted(False, EKS, res.origin(), ADDON_NOTE))
        # IRSA needs an IAM OIDC provider for the cluster's issuer (eks-domain.md §9); read_oidc sets it when the
        # template has one
        cluster.irsa_enabled = defaulted(False, CFN, res.origin(), OIDC_NOTE)
        return cluster

    @staticmethod
    def _access_config(res: Res) -> tuple[Value[str], Value[bool]]:
        # EKS API CreateAccessConfigRequest: CONFIG_MAP and creator admin true via API/SDK/CloudFormation
        # (eks-domain.md §2)
        anchor = res.origin("AccessConfig") if res.raw("AccessConfig")[0] else res.origin()
        auth = res.value("AccessConfig.AuthenticationMode", as_str, "CONFIG_MAP", EKS, Text(
            "`AccessConfig.AuthenticationMode` is not set; EKS uses CONFIG_MAP for clusters created through "
            "CloudFormation", "`AccessConfig.AuthenticationMode` が未設定のため、CloudFormation で作成したクラスターは "
            "CONFIG_MAP になります"), anchor)
        creator = res.value("AccessConfig.BootstrapClusterCreatorAdminPermissions", as_bool, True, EKS, Text(
            "`BootstrapClusterCreatorAdminPermissions` is not set; EKS makes the creator a cluster admin",
            "`BootstrapClusterCreatorAdminPermissions` が未設定のため、EKS は作成者をクラスター管理者にします"), anchor)
        return auth, creator

    @staticmethod
    def _quickstart_access(res: Res) -> tuple[Value[str], Value[bool]]:
        # the type's handler calls CreateCluster without an access config (cmd/resource/eks.go
        # makeCreateClusterInput), and its schema has no property for one: EKS's defaults always apply
        auth = defaulted("CONFIG_MAP", EKS, res.origin(), Text(
            f"{QUICKSTART_CLUSTER} creates clusters without an access configuration; EKS uses CONFIG_MAP (use "
            "AWS::EKS::Cluster with `AccessConfig` to choose)",
            f"{QUICKSTART_CLUSTER} はアクセス設定なしでクラスターを作成するため、EKS は CONFIG_MAP にします"
            "（選ぶには `AccessConfig` を指定した AWS::EKS::Cluster を使います）"))
        creator = defaulted(True, EKS, res.origin(), Text(
            f"{QUICKSTART_CLUSTER} creates clusters without an access configuration; EKS makes its execution role "
            "a cluster admin", f"{QUICKSTART_CLUSTER} はアクセス設定なしでクラスターを作成するため、EKS はその実行ロールを"
            "クラスター管理者にします"))
        return auth, creator

    @staticmethod
    def _quickstart_api_access(res: Res, cluster: Cluster) -> None:
        """`KubernetesApiAccess.Roles`/`Users` are written to aws-auth as mapRoles/mapUsers (cmd/resource/
        k8sauth.go; the handler also maps its caller to its own `aws-auth-admin` group, which can only edit
        aws-auth). Entries this template cannot resolve are unknown, never skipped."""
        mappings: list[IdentityMapping] = []
        for key, field_name, kind in (("Roles", "mapRoles", "role"), ("Users", "mapUsers", "user")):
            pointer = f"KubernetesApiAccess.{key}"
            resolved = res.get(pointer)
            if resolved is NOVALUE:
                continue
            unread = [] if isinstance(resolved, list) else [(pointer, resolved)]
            for item_pointer, item in res.items(pointer):
                groups = item.get("Groups") if isinstance(item, Mapping) else None
                if isinstance(groups, list) and all(isinstance(g, str) for g in groups):
                    mappings.append(IdentityMapping(kind, text_of(item.get("Arn")) or f"({item_pointer})", list(groups),
                                                    res.origin(item_pointer), username=text_of(item.get("Username"))))
                else:
                    unread.append((item_pointer, item))
            if unread:
                reasons = [(f"`{where}`", what.reason if isinstance(what, Unknown) else text_of(what))
                           for where, what in unread]
                cluster.identity_mapping_problems.append(MappingProblem(field_name, res.origin(pointer), Text(
                    "; ".join(f"{where} is not known here: {why}" for where, why in reasons),
                    "、".join(f"{where} はここでは不明です: {why}" for where, why in reasons)), unknown=True))
        cluster.identity_mappings = mappings

    @staticmethod
    def _log_types(res: Res, pointer: str) -> Value[list[str]]:
        top = pointer.split(".")[0]
        resolved = res.get(pointer)
        anchor = res.origin(top) if res.raw(top)[0] else res.origin()
        if resolved is NOVALUE:
            # EKS API: no control-plane log type is enabled unless requested (eks-domain.md §2)
            return defaulted([], EKS, anchor, Text(f"`{top}` is not set; EKS enables no control-plane log types",
                                                   f"`{top}` が未設定のため、EKS はコントロールプレーンのログを有効にしません"))
        if not isinstance(resolved, list):
            return unknown(res.origin(pointer), Text(f"`{pointer.split('.')[-1]}` is not known here",
                                                     f"`{pointer.split('.')[-1]}` は不明です"))
        types: list[str] = []
        for item in resolved:
            value = item.get("Type") if isinstance(item, Mapping) else item
            if not isinstance(value, str):
                return unknown(res.origin(pointer), Text("a log type is not known here", "ログの種類が不明です"))
            types.append(value)
        return declared(types, res.origin(pointer))

    def _kms_key(self, res: Res) -> Value[str | None]:
        for pointer, item in res.items("EncryptionConfig"):
            if isinstance(item, Mapping) and isinstance(item.get("Provider"), Mapping):
                key = item["Provider"].get("KeyArn")
                if key is not None:
                    return declared(text_of(key) or "(a KMS key)", res.origin(f"{pointer}.Provider.KeyArn"))
        # EKS API: no customer-managed key unless EncryptionConfig is given (eks-domain.md §2)
        return defaulted(None, EKS, res.origin(), Text(
            "`EncryptionConfig` is not set; secrets use EKS's AWS-owned key",
            "`EncryptionConfig` が未設定のため、Secret は EKS の AWS 所有キーで暗号化されます"))

    def _azs(self, subnet_ids: list[str], origin: Origin) -> Value[list[str]]:
        zones: set[str] = set()
        for subnet_id in subnet_ids:
            subnet = self.network.subnets.get(subnet_id)
            if subnet is None or subnet.availability_zone is None or not subnet.availability_zone.known \
                    or not subnet.availability_zone.value:
                return unknown(origin, Text(
                    f"the Availability Zone of subnet {subnet_id} is not in this template",
                    f"サブネット {subnet_id} のアベイラビリティーゾーンはこのテンプレートにありません"))
            zones.add(subnet.availability_zone.value)
        if not subnet_ids:
            return unknown(origin, Text("the cluster's subnets are not known", "クラスターのサブネットが不明です"))
        return declared(sorted(zones), origin)

    @staticmethod
    def _public(network: Network, subnet_ids: list[str], origin: Origin) -> Value[bool]:
        from eksguard.analysis.network import subnets_public

        return subnets_public(network, subnet_ids, origin)

    def cluster_for(self, value: Any, origin: Origin) -> Cluster:
        """The cluster a `ClusterName` property names: a cluster of this template, else a stub."""
        if isinstance(value, Ref) and value.logical_id in self.clusters:
            return self.clusters[value.logical_id]
        name = value if isinstance(value, str) else value.cluster if isinstance(value, ClusterNameOf) else None
        if name and name in self.by_name:
            return self.by_name[name]
        real = [c for key, c in self.clusters.items() if not key.startswith("stub:")]
        if name is None and len(real) == 1:
            return real[0]
        stub_name = name or self.stem
        key = f"stub:{stub_name}"
        if key not in self.clusters:
            self.clusters[key] = _stub_cluster(stub_name, origin, self.network)
            self.by_name.setdefault(stub_name, self.clusters[key])
        return self.clusters[key]

    # node groups

    def launch_template(self, spec: Any) -> Res | None:
        if not isinstance(spec, Mapping):
            return None
        for key in ("Id", "LaunchTemplateId"):
            if isinstance(spec.get(key), Ref):
                return self.t.resource(spec[key].logical_id)
        for key in ("Name", "LaunchTemplateName"):
            if key in spec:
                wanted = text_of(spec[key])
                for res in self.t.of_type("AWS::EC2::LaunchTemplate"):
                    if wanted and res.text("LaunchTemplateName") == wanted:
                        return res
        return None

    def role_of(self, value: Any, origin: Origin) -> Value[list[str]]:
        role = value.logical_id if isinstance(value, Ref) else None
        if role and self.t.type_of(role) == "AWS::IAM::InstanceProfile":
            role = self.profiles.get(role)
        if role and role in self.roles:
            return self.roles[role]
        return unknown(origin, Text("the node role is defined outside this template; its policies are not here",
                                    "ノードロールはこのテンプレートの外で定義されており、ポリシーはここにありません"))

    def from_launch_template(self, group: NodeGroup, lt: Res, cluster: Cluster) -> str | None:
        """Fill the group from its launch template, or from an `AWS::AutoScaling::LaunchConfiguration` (the same
        settings at the top of its properties: AWS's node group templates before 2020 and many since); returns
        the key name when one is set."""
        self.used_templates.add(lt.id)
        data = "LaunchTemplateData" if self.t.type_of(lt.id) == "AWS::EC2::LaunchTemplate" else ""

        def at(name: str) -> str:
            return f"{data}.{name}" if data else name

        anchor = lt.origin(data) if data and lt.raw(data)[0] else lt.origin()
        meta = at("MetadataOptions")
        meta_anchor = lt.origin(meta) if lt.raw(meta)[0] else anchor
        # EC2 LaunchTemplateInstanceMetadataOptionsRequest and the launch configuration's MetadataOptions:
        # HttpTokens defaults to optional, the hop limit to 1 (eks-domain.md §2 `AWS::EC2::LaunchTemplate`;
        # AWS::AutoScaling::LaunchConfiguration MetadataOptions)
        group.imds_http_tokens = lt.value(f"{meta}.HttpTokens", as_str, "optional", EC2, Text(
            "`MetadataOptions.HttpTokens` is not set; EC2 defaults to optional (IMDSv1 allowed) unless the AMI "
            "or the account's IMDS defaults require IMDSv2",
            "`MetadataOptions.HttpTokens` が未設定のため、AMI やアカウントの IMDS デフォルトが IMDSv2 を必須にしない限り "
            "EC2 は optional（IMDSv1 を許可）にします"), meta_anchor)
        group.imds_hop_limit = lt.value(f"{meta}.HttpPutResponseHopLimit", as_int, 1, EC2, None, meta_anchor)
        group.volume_encrypted = self._root_encryption(lt, at("BlockDeviceMappings"), anchor)
        instance_type = lt.known_text(at("InstanceType"))
        if instance_type:
            group.instance_types = declared([instance_type], lt.origin(at("InstanceType")))
        sgs = idents(lt.get(at("SecurityGroupIds"))) + idents(lt.get(at("SecurityGroups")))
        # EC2: AssociatePublicIpAddress gives the node a public IP whatever the subnet's MapPublicIpOnLaunch says
        # (on a launch template's network interface, as eksctl's older node group templates do; at the top of a
        # launch configuration)
        public_ip = [at("AssociatePublicIpAddress")] if not data else []
        for pointer, interface in lt.items(at("NetworkInterfaces")):
            if isinstance(interface, Mapping):
                sgs += idents(interface.get("Groups"))
                public_ip.append(f"{pointer}.AssociatePublicIpAddress")
        for pointer in public_ip:
            if lt.value(pointer, as_bool, False, EC2).value:
                group.public_subnets = declared(True, lt.origin(pointer))
        sgs = [self.normalise_sg(s, cluster) for s in sgs]
        if sgs:
            # EKS: when the launch template lists security groups, the cluster SG is not added (eks-domain.md §2)
            group.security_group_ids = list(dict.fromkeys(sgs))
            group.attaches_cluster_sg = False
        profile = lt.get(at("IamInstanceProfile"))
        if isinstance(profile, Mapping) or (not data and lt.raw(at("IamInstanceProfile"))[0]):
            # a launch template names it by Arn or Name, a launch configuration directly
            target = profile.get("Arn", profile.get("Name")) if isinstance(profile, Mapping) else profile
            group.role_policies = self.role_of(target, lt.origin(at("IamInstanceProfile")))
        key = lt.text(at("KeyName"))
        if key:
            group.ssh = SshAccess(declared(True, lt.origin(at("KeyName"))),
                                  declared(group.security_group_ids or [cluster.cluster_security_group_id or ""],
                                           lt.origin(at("KeyName"))),
                                  declared(key, lt.origin(at("KeyName"))), group.ssh.windows if group.ssh else False)
        return key

    @staticmethod
    def normalise_sg(sg_id: str, cluster: Cluster) -> str:
        """References to the EKS cluster SG (GetAtt Cluster.ClusterSecurityGroupId, or eksctl's
        `STACK::ClusterSecurityGroupId` export) become the cluster's own SG id."""
        if not _cluster_sg_ref(sg_id):
            return sg_id
        if cluster.cluster_security_group_id is None:
            cluster.cluster_security_group_id = sg_id
        return cluster.cluster_security_group_id

    def _root_encryption(self, lt: Res, mappings_path: str, anchor: Origin) -> Value[bool]:
        mappings = lt.items(mappings_path)
        chosen = None
        for pointer, item in mappings:
            if not (isinstance(item, Mapping) and isinstance(item.get("Ebs"), Mapping)):
                continue
            root = item.get("DeviceName") in ("/dev/xvda", "/dev/sda1")
            if chosen is None or root:
                chosen = pointer
            if root:
                break
        if chosen is None:
            return defaulted(None, EC2, anchor, ACCOUNT_ENCRYPTION_NOTE)
        return lt.value(f"{chosen}.Ebs.Encrypted", as_bool, None, EC2, ACCOUNT_ENCRYPTION_NOTE, lt.origin(chosen))

    def read_nodegroup(self, res: Res) -> None:
        cluster = self.cluster_for(res.get("ClusterName"), res.origin())
        name = res.known_text("NodegroupName") or res.id
        windows = (res.known_text("AmiType") or "").upper().startswith("WINDOWS")
        group = NodeGroup(name, "managed", res.origin("NodegroupName") if res.raw("NodegroupName")[0] else res.origin(),
                          subnet_ids=idents(res.get("Subnets")), subnets_origin=res.origin("Subnets"))
        group.role_policies = self.role_of(res.get("NodeRole"), res.origin("NodeRole"))
        group.ssh = SshAccess(defaulted(False, EKS, res.origin()), defaulted([], EKS, res.origin()), windows=windows)
        lt = self.launch_template(res.get("LaunchTemplate"))
        if lt is not None:
            key = self.from_launch_template(group, lt, cluster)
            if key is not None and group.ssh is not None:
                group.ssh.windows = windows
        elif res.raw("LaunchTemplate")[0]:
            note = Text("the node group uses a launch template defined outside this template",
                        "ノードグループはこのテンプレートの外で定義された起動テンプレートを使用しています")
            where = res.origin("LaunchTemplate")
            group.imds_http_tokens = unknown(where, note)
            group.imds_hop_limit = unknown(where, note)
            group.volume_encrypted = unknown(where, note)
            group.attaches_cluster_sg = True  # not known; EKS adds it when the template lists no SGs
        else:
            group.imds_http_tokens = unknown(res.origin(), DEFAULT_LT_TOKENS_NOTE)
            # EKS's default launch template for managed node groups sets the hop limit to 2 (eks-domain.md §2)
            group.imds_hop_limit = defaulted(2, EKS, res.origin(), Text(
                "no launch template: EKS's default launch template sets the IMDS hop limit to 2",
                "起動テンプレートがないため、EKS の既定の起動テンプレートが IMDS のホップ数上限を 2 にします"))
            # EBS volumes are encrypted only if the account's encryption-by-default is on (eks-domain.md §1.1)
            group.volume_encrypted = defaulted(None, EKS, res.origin(), ACCOUNT_ENCRYPTION_NOTE)
            self._remote_access(group, res, windows)
        if res.raw("InstanceTypes")[0]:
            group.instance_types = res.str_list("InstanceTypes", None, EKS)
        elif group.instance_types is None:
            group.instance_types = defaulted([DEFAULT_NODE_INSTANCE_TYPE], EKS, res.origin(), Text(
                "`InstanceTypes` is not set; EKS uses t3.medium", "`InstanceTypes` が未設定のため、EKS は t3.medium を使います"))
        cluster.node_groups.append(group)

    def _remote_access(self, group: NodeGroup, res: Res, windows: bool) -> None:
        if not res.raw("RemoteAccess")[0]:
            return
        key = res.text("RemoteAccess.Ec2SshKey")
        if not key:
            return
        port = RDP_PORT if windows else SSH_PORT
        key_origin = res.origin("RemoteAccess.Ec2SshKey")
        sources = idents(res.get("RemoteAccess.SourceSecurityGroups"))
        written = res.raw("RemoteAccess.SourceSecurityGroups")[0]
        # EKS RemoteAccessConfig: without SourceSecurityGroups the port is open to 0.0.0.0/0 (eks-domain.md §2)
        group.ssh = SshAccess(declared(True, key_origin), declared(sources, res.origin("RemoteAccess")) if written
                              else defaulted([], EKS, res.origin("RemoteAccess"), OPEN_REMOTE_ACCESS_NOTE),
                              declared(key, key_origin), windows)
        sg_id = f"{res.id}.RemoteAccessSecurityGroup"
        sg = SecurityGroup(sg_id, res.origin("RemoteAccess"), f"eks-remoteAccess ({group.name})",
                           managed_by="EKS-remote-access")
        if sources:
            sg.rules = [SecurityGroupRule("ingress", "tcp", port, port, source_group=s, origin=res.origin("RemoteAccess"))
                        for s in sources]
        else:
            # EKS RemoteAccessConfig: a key without source SGs opens port 22 (3389 on Windows) to 0.0.0.0/0
            # (eks-domain.md §2)
            sg.rules = [SecurityGroupRule("ingress", "tcp", port, port, cidr="0.0.0.0/0",
                                          description="EKS remote access without source security groups",
                                          origin=res.origin("RemoteAccess"))]
            group.remote_access_cidrs = ["0.0.0.0/0"]
            group.remote_access_origin = res.origin("RemoteAccess")
        self.network.security_groups[sg_id] = sg
        group.security_group_ids.append(sg_id)

    def read_self_managed(self) -> None:
        """Self-managed node groups: an Auto Scaling group with a launch template or a launch configuration, or a
        launch template nothing here launches nodes from that shows it starts EKS nodes (eksctl's node group
        stacks)."""
        groups: list[tuple[str, Res, Res | None]] = []
        for scaling in self.t.of_type("AWS::AutoScaling::AutoScalingGroup"):
            configuration = scaling.get("LaunchConfigurationName")
            used = self.launch_template(scaling.get("LaunchTemplate")) or self.launch_template(
                scaling.get("MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification")) or (
                self.t.resource(configuration.logical_id) if isinstance(configuration, Ref) else None)
            if used is not None and used.id not in self.used_templates:
                groups.append((scaling.id, used, scaling))
                self.used_templates.add(used.id)
        for template in self.t.of_type("AWS::EC2::LaunchTemplate"):
            # a template nothing here launches nodes from counts only when it shows it starts EKS nodes (not a
            # bastion's next to the cluster)
            if template.id not in self.used_templates and starts_eks_nodes(template):
                groups.append((template.id, template, None))
        if not any(True for _ in self.t.of_type(*EKS_RESOURCE_TYPES)):
            # no EKS resource here: only fleets that show they are EKS nodes, not web servers or ECS instances
            groups = [g for g in groups if starts_eks_nodes(g[1]) or (g[2] is not None and starts_eks_nodes(g[2]))]
        for default_name, lt, asg in groups:
            tags = {**lt.tags("LaunchTemplateData.TagSpecifications.0.Tags"), **(asg.tags() if asg else {})}
            name = tags.get("alpha.eksctl.io/nodegroup-name") or tags.get("eks:nodegroup-name") or default_name
            cluster_name = next((k.split("/", 2)[2] for k in tags if k.startswith("kubernetes.io/cluster/")), None)
            cluster_name = cluster_name or tags.get("alpha.eksctl.io/cluster-name")
            owner = (asg or lt)
            cluster = self.cluster_for(cluster_name, owner.origin())
            group = NodeGroup(name, "self-managed", owner.origin(),
                              subnet_ids=idents(asg.get("VPCZoneIdentifier")) if asg else [],
                              subnets_origin=asg.origin("VPCZoneIdentifier") if asg else None)
            group.attaches_cluster_sg = False  # self-managed nodes get only the SGs their template lists
            group.ssh = SshAccess(defaulted(False, EC2, lt.origin()), defaulted([], EC2, lt.origin()))
            group.role_policies = unknown(lt.origin(), Text("the launch template names no instance profile",
                                                            "起動テンプレートにインスタンスプロファイルがありません"))
            group.instance_types = unknown(lt.origin(), Text("the launch template names no instance type",
                                                             "起動テンプレートにインスタンスタイプがありません"))
            self.from_launch_template(group, lt, cluster)
            if asg is not None:
                self._override_instance_types(group, asg)
            cluster.node_groups.append(group)

    @staticmethod
    def _override_instance_types(group: NodeGroup, asg: Res) -> None:
        """The instance types of a mixed instances policy's overrides replace the launch template's
        (CloudFormation, AWS::AutoScaling::AutoScalingGroup LaunchTemplateOverrides); overrides by
        `InstanceRequirements` leave EC2 Auto Scaling to choose them."""
        pointer = "MixedInstancesPolicy.LaunchTemplate.Overrides"
        overrides = [item for _, item in asg.items(pointer) if isinstance(item, Mapping)]
        if not overrides:
            return
        types = [item.get("InstanceType") for item in overrides]
        origin = asg.origin(pointer)
        known = [t for t in types if isinstance(t, str)]
        if len(known) == len(types):
            group.instance_types = declared(list(dict.fromkeys(known)), origin)
        elif any(t is None for t in types):
            group.instance_types = unknown(origin, Text(
                "the Auto Scaling group's overrides choose instance types by `InstanceRequirements`",
                "Auto Scaling グループのオーバーライドが `InstanceRequirements` でインスタンスタイプを選びます"))
        else:
            reason = next(t.reason if isinstance(t, Unknown) else "a reference" for t in types if not isinstance(t, str))
            group.instance_types = unknown(origin, Text(f"`{pointer}` instance types are not known here: {reason}",
                                                        f"`{pointer}` のインスタンスタイプはここでは不明です: {reason}"))

    def read_fargate(self, res: Res) -> None:
        cluster = self.cluster_for(res.get("ClusterName"), res.origin())
        selectors = [s for _, s in res.items("Selectors") if isinstance(s, Mapping)]
        name = res.known_text("FargateProfileName") or res.id
        cluster.fargate_profiles.append(FargateProfile(
            name, res.origin("FargateProfileName") if res.raw("FargateProfileName")[0] else res.origin(),
            [text_of(s.get("Namespace")) or "" for s in selectors], idents(res.get("Subnets")),
            [text_of(s.get("Namespace")) or "" for s in selectors if not s.get("Labels")]))

    def read_access_entry(self, res: Res) -> None:
        cluster = self.cluster_for(res.get("ClusterName"), res.origin())
        policies = []
        for _, item in res.items("AccessPolicies"):
            if isinstance(item, Mapping):
                found = item.get("AccessScope")
                scope: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
                policies.append(AccessPolicyAssociation(
                    text_of(item.get("PolicyArn")) or "", str(text_of(scope.get("Type")) or "cluster").lower(),
                    [n for n in (text_of(x) for x in scope.get("Namespaces") or []) if n]
                    if isinstance(scope.get("Namespaces"), list) else []))
        groups = [g for g in (text_of(x) for x in res.get("KubernetesGroups") or []) if g] \
            if isinstance(res.get("KubernetesGroups"), list) else []
        entry = AccessEntry(self._principal(res), res.origin("PrincipalArn"),
                            (res.known_text("Type") or "STANDARD").upper(), groups, policies)
        if cluster.access_entries is None:
            cluster.access_entries = []
        cluster.access_entries.append(entry)

    def _principal(self, res: Res) -> str:
        """An access entry's principal; `Fn::GetAtt X.Arn` of a role or user of this template as the ARN
        CloudFormation returns (`arn:PARTITION:iam::ACCOUNT:role/NAME`, AWS::IAM::Role and AWS::IAM::User return
        values), the parts known only at deploy time as placeholders, so that it reads as a role or a user."""
        value = res.get("PrincipalArn")
        kind = {"AWS::IAM::Role": "role", "AWS::IAM::User": "user"}.get(
            self.t.type_of(value.logical_id) or "") if isinstance(value, Ref) and value.attribute == "Arn" else None
        if kind is None or not isinstance(value, Ref):
            return res.text("PrincipalArn") or ""
        owner = self.t.resource(value.logical_id)
        name = owner.known_text(f"{kind.capitalize()}Name") if owner else None
        return f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:{kind}/{name or '${' + value.logical_id + '}'}"

    def read_addon(self, res: Res) -> None:
        cluster = self.cluster_for(res.get("ClusterName"), res.origin())
        name = res.known_text("AddonName") or ""
        addon = Addon(name, res.origin("AddonName"), configuration_values(res.get("ConfigurationValues")),
                      res.known_text("AddonVersion"))
        if cluster.addons is None:
            cluster.addons = []
        cluster.addons.append(addon)
        if name == "eks-pod-identity-agent":
            cluster.pod_identity_enabled = declared(True, res.origin("AddonName"))
        if name == "amazon-cloudwatch-observability":
            cluster.uses_cloudwatch_logging = True

    def read_oidc(self, res: Res) -> None:
        url = res.get("Url")
        targets = [c for key, c in self.clusters.items() if not key.startswith("stub:")]
        if isinstance(url, Ref) and url.logical_id in self.clusters:
            targets = [self.clusters[url.logical_id]]
        for cluster in targets:
            cluster.irsa_enabled = declared(True, res.origin())

    def read_custom_oidc(self, res: Res) -> None:
        """A custom resource given a cluster's OIDC issuer URL (the Quick Start's Custom::ClusterOIDCProvider)
        most likely creates the IAM OIDC provider; what its function does is not in the template."""
        issuers = {ref.logical_id for ref in _refs(self.t.resolve(res.props))
                   if ref.attribute in ("OpenIdConnectIssuerUrl", "OIDCIssuerURL")}
        for logical_id in issuers & self.clusters.keys():
            cluster = self.clusters[logical_id]
            if cluster.irsa_enabled is None or not cluster.irsa_enabled.declared:
                cluster.irsa_enabled = unknown(res.origin(), Text(
                    f"custom resource {res.id} ({res.type}) gets the cluster's OIDC issuer URL; whether it creates "
                    "the IAM OIDC provider is not in this template",
                    f"カスタムリソース {res.id}（{res.type}）がクラスターの OIDC 発行者 URL を受け取りますが、IAM OIDC "
                    "プロバイダーを作成するかはこのテンプレートにありません"))

    def build(self) -> list[Cluster]:
        for res in self.t.of_type(*CLUSTER_TYPES):
            cluster = self.read_cluster(res)
            self.clusters[res.id] = cluster
            self.by_name.setdefault(cluster.name, cluster)
        for res in self.t.of_type("AWS::EKS::Nodegroup"):
            self.read_nodegroup(res)
        self.read_self_managed()
        for res in self.t.of_type("AWS::EKS::FargateProfile"):
            self.read_fargate(res)
        for res in self.t.of_type("AWS::EKS::AccessEntry"):
            self.read_access_entry(res)
        for res in self.t.of_type("AWS::EKS::Addon"):
            self.read_addon(res)
        for res in self.t.of_type("AWS::EKS::PodIdentityAssociation"):
            cluster = self.cluster_for(res.get("ClusterName"), res.origin())
            if cluster.pod_identity_enabled is None or not cluster.pod_identity_enabled.value:
                cluster.pod_identity_enabled = declared(True, res.origin())
        for res in self.t.of_type("AWS::IAM::OIDCProvider"):
            self.read_oidc(res)
        for res in self.t.custom_resources():
            self.read_custom_oidc(res)
        clusters = list(self.clusters.values())
        completed: set[str] = set()
        for cluster in clusters:
            self._add_cluster_sg_rules(cluster, completed)
            link_remote_access(cluster)
        return clusters

    def _add_cluster_sg_rules(self, cluster: Cluster, completed: set[str]) -> None:
        """Rules a template adds to the EKS cluster SG join EKS's own default rules."""
        sg_id = cluster.cluster_security_group_id
        sg = self.network.security_groups.get(sg_id or "")
        if sg is None or sg_id is None or sg.managed_by != "EKS" or sg_id in completed:
            return
        completed.add(sg_id)
        defaults = cluster_security_group(Cluster(cluster.name, cluster.source, cluster.origin,
                                                  cluster_security_group_id=sg_id))
        sg.rules = [*defaults.rules, *sg.rules]
        sg.name = defaults.name


# What shows that an Auto Scaling group, launch template or launch configuration starts EKS nodes: the tags
# self-managed node stacks put on them (`kubernetes.io/cluster/NAME`: AWS's amazon-eks-nodegroup.yaml and
# eksctl's node group stacks; eksctl's `alpha.eksctl.io/`; EKS's `eks:`), whether or not the cluster name in
# the key is known, or user data that joins a cluster: the EKS AMIs' bootstrap.sh (AL2), nodeadm's NodeConfig
# (AL2023, API group node.eks.aws), Bottlerocket's `[settings.kubernetes]`, the Windows AMIs' EKS bootstrap
# script (amazon-eks-ami README and nodeadm docs; Bottlerocket settings reference; EKS User Guide, "Create
# self-managed Microsoft Windows nodes")
_NODE_TAG_PREFIXES = ("kubernetes.io/cluster/", "alpha.eksctl.io/", "eks:")
_NODE_USER_DATA = ("/etc/eks/bootstrap.sh", "node.eks.aws/", "[settings.kubernetes]", "Start-EKSBootstrap.ps1")


def _tag_keys(res: Res, pointer: str) -> Iterator[str]:
    """The keys of a tag list as written, unresolved parts as placeholders (`kubernetes.io/cluster/${Name}`)."""
    for _, item in res.items(pointer):
        key = text_of(item.get("Key")) if isinstance(item, Mapping) else None
        if key:
            yield key


def starts_eks_nodes(res: Res) -> bool:
    """Whether an Auto Scaling group, launch template or launch configuration shows it starts EKS nodes."""
    data = "LaunchTemplateData." if res.type == "AWS::EC2::LaunchTemplate" else ""
    tag_lists = ["Tags", *(f"{pointer}.Tags" for pointer, _ in res.items(f"{data}TagSpecifications"))]
    if any(key.startswith(_NODE_TAG_PREFIXES) for pointer in tag_lists for key in _tag_keys(res, pointer)):
        return True
    user_data = res.text(f"{data}UserData") or ""
    return any(marker in user_data for marker in _NODE_USER_DATA)


def build_vpc(res: Res) -> Vpc:
    return Vpc(res.id, res.origin(), res.known_text("CidrBlock"),
               res.value("EnableDnsSupport", as_bool, True, CFN, default_origin=res.origin()),
               res.value("EnableDnsHostnames", as_bool, False, CFN, Text(
                   "`EnableDnsHostnames` is not set; CloudFormation creates the VPC with DNS hostnames off",
                   "`EnableDnsHostnames` が未設定のため、CloudFormation は DNS ホスト名を無効にして VPC を作成します"),
                   default_origin=res.origin()))


# the EKS resources proper; a template with none of them adds to a cluster only through node groups that show
# they are EKS nodes (`starts_eks_nodes`)
EKS_RESOURCE_TYPES = (*CLUSTER_TYPES, "AWS::EKS::Nodegroup", "AWS::EKS::FargateProfile", "AWS::EKS::AccessEntry",
                      "AWS::EKS::PodIdentityAssociation", "AWS::EKS::Addon")
# templates of these types may add to a cluster (self-managed node group stacks hold no EKS resource)
EKS_TYPES = (*EKS_RESOURCE_TYPES, "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::AutoScalingGroup")


def read_template(document: Mapping[str, Any], path: str, variables: Variables,
                  parameters: Mapping[str, Any] | None = None) -> list[Cluster]:
    """The clusters a template defines or adds to (node group stacks give a cluster named by their
    `ClusterName`, their tags, or the file); `parameters` are what a parent stack passes to it."""
    return template_clusters(Template(document, path, variables, template_kind(document) == "bare", parameters))


def template_clusters(template: Template) -> list[Cluster]:
    """The clusters a template (as `read_template` describes) defines or adds to."""
    if not any(isinstance(r, Mapping) and r.get("Type") in EKS_TYPES for r in template.resources.values()):
        return []
    stem = os.path.splitext(os.path.basename(template.path))[0] or "template"
    return _Builder(template, stem).build()


# --- Nested stacks -----------------------------------------------------------------------

NESTED_STACK = "AWS::CloudFormation::Stack"


def local_nested_stacks(template: Template) -> Iterator[tuple[Res, str]]:
    """Each nested stack whose `TemplateURL` is a local file (`./nodegroup.yaml`), with that path as written:
    `aws cloudformation package` uploads it and writes the S3 URL (AWS CLI reference, `cloudformation
    package`: "TemplateURL property for the AWS::CloudFormation::Stack resource"). URLs (https://, s3://) and
    URLs built by intrinsics are not files of the scan."""
    for res in template.of_type(NESTED_STACK):
        url = res.raw("TemplateURL")[1]
        if isinstance(url, str) and url.strip() and "://" not in url:
            yield res, url.strip()


def _is_list_parameter(declaration: Any) -> bool:
    kind = str(declaration.get("Type", "")) if isinstance(declaration, Mapping) else ""
    return kind == "CommaDelimitedList" or kind.startswith("List<")


def stack_parameters(parent: Template, stack: Res, child: Mapping[str, Any]) -> dict[str, Any]:
    """The values a nested stack's `Parameters` give the child template's parameters, resolved in the parent:
    literals and parent parameters as values, a parent cluster's `Ref` (or its `Name` expression) as that
    cluster's name, other parent resources as unknown values keeping their ids (so subnets and security groups
    meet the parent's), nested stack outputs (`GetAtt X.Outputs.Y`) unknown."""
    declared_parameters = child.get("Parameters")
    declarations: Mapping[str, Any] = declared_parameters if isinstance(declared_parameters, Mapping) else {}
    passed = stack.raw("Parameters")[1]
    values: dict[str, Any] = {}
    for name, raw in passed.items() if isinstance(passed, Mapping) else ():
        value = _cluster_name_passed(parent, raw)
        if value is None:
            value = _from_parent(parent, _list_items(parent, raw) if _is_list_parameter(declarations.get(name))
                                 else parent.resolve(raw))
        if value is not NOVALUE:
            values[str(name)] = value
    return values


def _cluster_name_passed(parent: Template, raw: Any) -> Any:
    """The name of the parent's cluster when `raw` is `Ref` to it or the same expression as its `Name`."""
    for res in parent.of_type(*CLUSTER_TYPES):
        if raw == {"Ref": res.id} or (res.raw("Name")[0] and raw == res.raw("Name")[1]):
            known = res.known_text("Name")
            return known if known else ClusterNameOf(
                f"the name of cluster {res.id} of the parent stack {parent.path}", "${" + res.id + "}",
                cluster_name(res))
    return None


def _list_items(parent: Template, raw: Any) -> Any:
    """A list parameter's value: CloudFormation splits the string it is given at commas (User Guide,
    parameters-section-structure: CommaDelimitedList and List<...>), so `!Join [",", [...]]` passes the items."""
    if isinstance(raw, Mapping) and len(raw) == 1 and "Fn::Join" in raw:
        arg = raw["Fn::Join"]
        if isinstance(arg, list) and len(arg) == 2 and parent.resolve(arg[0]) == ",":
            items = parent.resolve(arg[1])
            if isinstance(items, list):
                return items
    value = parent.resolve(raw)
    if isinstance(value, str):
        return [item.strip() for item in value.split(",")]
    return value


def _from_parent(parent: Template, value: Any) -> Any:
    """A value resolved in the parent, for the child: references to the parent's resources cannot name the
    child's resources, so they become unknown values that keep the parent's id."""
    if isinstance(value, Ref):
        if value.attribute is not None and value.attribute.startswith("Outputs."):
            return Unknown(f"output {value.attribute[len('Outputs.'):]} of nested stack {value.logical_id} in "
                           f"{parent.path}", "${" + value.ident + "}")
        return Unknown(f"{value.ident} is a resource of the parent stack {parent.path}", value.ident)
    if isinstance(value, list):
        return [_from_parent(parent, item) for item in value]
    if isinstance(value, Mapping):
        return {key: _from_parent(parent, item) for key, item in value.items()}
    return value


def is_stub(cluster: Cluster) -> bool:
    return cluster.source == "cloudformation" and cluster.endpoint_public_access is None


def join_stubs(clusters: list[Cluster], full: Mapping[str, Cluster]) -> list[Cluster]:
    """The clusters that are not stubs of a cluster of `full` (by name); those join it."""
    kept = []
    for cluster in clusters:
        target = full.get(cluster.name) if is_stub(cluster) else None
        if target is None:
            kept.append(cluster)
        else:
            join_stub(cluster, target)
    return kept


def merge_stubs(clusters: list[Cluster]) -> list[Cluster]:
    """Node group stacks join the cluster of the same name defined by another template of the scan."""
    return join_stubs(clusters, {c.name: c for c in clusters if c.source == "cloudformation" and not is_stub(c)})


__all__ = ["NOVALUE", "ClusterNameOf", "Ref", "Template", "Unknown", "is_stub", "join_stubs", "local_nested_stacks",
           "merge_stubs", "read_template", "stack_parameters", "template_clusters",
           "template_kind"]
