"""Regenerate src/eksguard/data/max_pods.json from amazon-eks-ami's max-pods tables.

Usage: python tools/gen_max_pods.py ../shared/data/max-pods
The folder holds (see its README.md):
- instance-info.jsonl (MIT-0; nodeadm/internal/kubelet/instance-info.jsonl): ENI counts and IPv4
  addresses per ENI, the primary table;
- eni-max-pods.txt (Apache-2.0; templates/shared/runtime/eni-max-pods.txt, deleted upstream): max pods
  in secondary-IP mode only. Its values are kept for the types instance-info.jsonl lacks.
The output depends on the two files only (sorted keys, no timestamps): the same input gives the same bytes.
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
                                "types": dict(sorted(only_older.items()))}}
    return json.dumps(document, separators=(",", ":")) + "\n"


def main(folder: Path, out: Path) -> None:
    out.write_text(build(folder), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parent.parent / "src/eksguard/data/max_pods.json")
