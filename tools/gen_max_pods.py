"""Regenerate src/eksguard/data/max_pods.json from amazon-eks-ami's instance-info.jsonl.

Usage: python tools/gen_max_pods.py ../shared/data/max-pods/instance-info.jsonl
The source file is MIT-0 (awslabs/amazon-eks-ami, nodeadm/internal/kubelet/instance-info.jsonl).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SOURCE = "awslabs/amazon-eks-ami nodeadm/internal/kubelet/instance-info.jsonl"
COMMIT = "81fec2e895854f599974fe4d3d72f61c0a9aaffa"
DATE = "2026-07-23"


def main(jsonl: Path, out: Path) -> None:
    types: dict[str, list[int]] = {}
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            types[row["instanceType"]] = [row["defaultMaxENIs"], row["ipv4AddressesPerInterface"]]
    document = {"source": SOURCE, "commit": COMMIT, "date": DATE, "license": "MIT-0",
                "fields": ["defaultMaxENIs", "ipv4AddressesPerInterface"], "types": dict(sorted(types.items()))}
    out.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parent.parent / "src/eksguard/data/max_pods.json")
