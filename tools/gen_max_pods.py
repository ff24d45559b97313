"""Regenerate src/eksguard/data/max_pods.json from amazon-eks-ami's max-pods tables.

Usage: python tools/gen_max_pods.py ../shared/data/max-pods
The folder holds (see its README.md):
- instance-info.jsonl (MIT-0; nodeadm/internal/kubelet/instance-info.jsonl): ENI counts and IPv4
  addresses per ENI, the primary table;
- eni-max-pods.txt (Apache-2.0; templates/shared/runtime/eni-max-pods.txt, deleted upstream): max pods
  in secondary-IP mode only. Its values are kept for the types instance-info.jsonl lacks.
Neither file says which hypervisor a type runs on; `not_nitro` (below) lists the types of both tables that are
not built on the AWS Nitro System, where VPC CNI prefix delegation does not apply.
The output depends on the two files and the constants here only (sorted keys, no timestamps): the same input
gives the same bytes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PRIMARY = {"source": "awslabs/amazon-eks-ami nodeadm/internal/kubelet/instance-info.jsonl",
           "commit": "81fec2e895854f599974fe4d3d72f61c0a9aaffa", "date": "2026-07-23", "license": "MIT-0"}
# the parent of 72b60466 ("chore: move shared provisioners into al2023 repo"), which deleted the file
OLDER = {"source": "awslabs/amazon-eks-ami templates/shared/runtime/eni-max-pods.txt",
         "commit": "2bed73dc4fafb502298fa67534dc53a030e56b21", "date": "2026-03-18", "license": "Apache-2.0"}

# The instance families that are not built on the AWS Nitro System (Xen), read 2026-12-06 from:
# - AWS, Amazon EC2 User Guide, "Instances built on the Nitro System" (awsdocs/amazon-ec2-user-guide
#   doc_source/instance-types.md, last changed in d289961421fa79447add68ca26e3ec5ae96fdf41, 2023-05-11): it lists
#   the Nitro families, virtualized ("A1, M5, ..., T3, T3a, ...", "P3dn", ...) and bare metal ("`i3.metal`", ...);
#   none of the families below is in it, and `i3.metal` is its only type of one of them. The current page,
#   https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html, shows the hypervisor per family
#   in each family's "Platform summary" table instead.
# - aws/amazon-vpc-cni-k8s pkg/vpc/vpc_ip_resource_limit.go at 6152e01c83bb8f04fdc8690e99134ebe1445db29
#   (2026-08-11), generated from EC2 DescribeInstanceTypes: `HypervisorType: "xen"` for every type of these
#   families in the two tables but cr1.8xlarge and hs1.8xlarge (`"unknown"`, no hypervisor given, not bare metal).
#   Its ipamd uses prefix delegation only when the hypervisor is "nitro" or the type is bare metal, otherwise
#   "falling back to default (secondary IP) mode"; amazon-eks-ami max-pods-calculator.sh likewise uses the prefix
#   formula only when `IS_NITRO=true`. For every type of the two tables this list and that rule agree: every
#   other type there is "nitro" or bare metal.
NOT_NITRO_FAMILIES = ("c1", "c3", "c4", "cr1", "d2", "f1", "h1", "hs1", "i2", "i3", "m1", "m2", "m3", "m4", "p3",
                      "r3", "r4", "t1", "t2", "x1", "x1e")
NITRO_IN_THOSE_FAMILIES = ("i3.metal",)  # the page's bare metal list has `i3.metal`
NOT_NITRO = {"source": "AWS EC2 User Guide 'Instances built on the Nitro System'; aws/amazon-vpc-cni-k8s "
                       "pkg/vpc/vpc_ip_resource_limit.go HypervisorType (tools/gen_max_pods.py)",
             "commit": "6152e01c83bb8f04fdc8690e99134ebe1445db29", "date": "2026-12-06"}


def not_nitro(instance_type: str) -> bool:
    return instance_type.split(".")[0] in NOT_NITRO_FAMILIES and instance_type not in NITRO_IN_THOSE_FAMILIES


def eni_limits(jsonl: Path) -> dict[str, list[int]]:
    types: dict[str, list[int]] = {}
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            types[row["instanceType"]] = [row["defaultMaxENIs"], row["ipv4AddressesPerInterface"]]
    return types


def older_max_pods(text_table: Path) -> dict[str, int]:
    pods: dict[str, int] = {}
    for line in text_table.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            instance_type, value = line.split()
            pods[instance_type] = int(value)
    return pods


def build(folder: Path) -> str:
    """The text of max_pods.json for the tables in `folder`."""
    limits = eni_limits(folder / "instance-info.jsonl")
    only_older = {name: value for name, value in older_max_pods(folder / "eni-max-pods.txt").items()
                  if name not in limits}
    document = {**PRIMARY, "fields": ["defaultMaxENIs", "ipv4AddressesPerInterface"],
                "types": dict(sorted(limits.items())),
                "older_table": {**OLDER, "fields": ["maxPods (secondary IP mode)"],
                                "types": dict(sorted(only_older.items()))},
                "not_nitro": {**NOT_NITRO, "types": sorted(name for name in [*limits, *only_older]
                                                           if not_nitro(name))}}
    return json.dumps(document, separators=(",", ":")) + "\n"


def main(folder: Path, out: Path) -> None:
    out.write_text(build(folder), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parent.parent / "src/eksguard/data/max_pods.json")
