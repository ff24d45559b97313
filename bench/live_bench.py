"""Live audit cost: API calls and wall time per cluster against a local moto server, for 1, 10 and 50 clusters.

    .venv/bin/python bench/live_bench.py            # 1, 10, 50 clusters
    .venv/bin/python bench/live_bench.py 5 20       # other sizes
    .venv/bin/python bench/live_bench.py --no-kubernetes

Starts moto (ThreadedMotoServer, 127.0.0.1, port 0, IAM managed policies loaded), the EKS fake of the
tests in front of it (access entries, add-ons, Pod Identity, DescribeClusterVersions), and one fake
Kubernetes API server; builds N clusters (VPC, two subnets, route table, NAT gateway, cluster SG, one
managed node group with a running instance), then runs the audit (concurrency 8) and prints AWS
requests, Kubernetes requests and wall time, in total and per cluster. Everything stays on 127.0.0.1.
Timing is machine-dependent: moto runs in this process and shares its CPU with the audit.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "live"))  # the fakes and estate builders the tests use

AMI = "ami-12c6146b"


def build(fake: Any, name: str, region: str, kube_url: str) -> None:
    from live_estates import clients, simple_cluster

    simple_cluster(fake, name, region)
    c = clients(region)
    ec2, eks = c["ec2"], c["eks"]
    subnets = eks.describe_cluster(name=name)["cluster"]["resourcesVpcConfig"]["subnetIds"]
    eks.create_nodegroup(clusterName=name, nodegroupName="workers", subnets=subnets,
                         nodeRole="arn:aws:iam::123456789012:role/bench-node", instanceTypes=["m5.large"],
                         scalingConfig={"minSize": 1, "maxSize": 1, "desiredSize": 1})
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnets[0],
                      MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 1},
                      TagSpecifications=[{"ResourceType": "instance", "Tags": [
                          {"Key": "eks:cluster-name", "Value": name}, {"Key": "eks:nodegroup-name", "Value": "workers"},
                          {"Key": f"kubernetes.io/cluster/{name}", "Value": "owned"}]}])
    fake.clusters[name]["cluster"]["endpoint"] = kube_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1, 10, 50])
    parser.add_argument("--no-kubernetes", action="store_true")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from live_estates import kube_objects
    from live_fakes import FakeEks, FakeKube
    from moto.server import ThreadedMotoServer

    from eksguard.live.audit import AuditOptions, run_audit

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    moto = f"http://{host}:{port}"
    fake = FakeEks(moto)
    fake.start()
    kube = FakeKube(kube_objects(namespaces=10))
    kube.start()
    os.environ.update(AWS_ENDPOINT_URL=moto, AWS_ENDPOINT_URL_EKS=fake.url, AWS_ACCESS_KEY_ID="testing",
                      AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    print(f"{'clusters':>8} {'AWS req':>8} {'AWS/cl':>7} {'k8s req':>8} {'k8s/cl':>7} {'wall s':>7} {'s/cl':>6}"
          f" {'build s':>8}")
    try:
        for size in args.sizes:
            urllib.request.urlopen(urllib.request.Request(f"{moto}/moto-api/reset", method="POST"), timeout=60)
            fake.reset()
            kube.reset()
            started = time.perf_counter()
            for index in range(size):
                build(fake, f"bench-{index:03d}", "us-east-1", kube.url)
            built = time.perf_counter() - started
            walls = []
            for _ in range(2):  # the second run is the steady state (moto warmed up)
                kube.reset()
                started = time.perf_counter()
                result = run_audit(AuditOptions(regions=("us-east-1",), kubernetes=not args.no_kubernetes,
                                                concurrency=args.concurrency, max_attempts=3))
                walls.append(time.perf_counter() - started)
            assert len(result.estate.clusters) == size, result.estate.problems
            counts = result.counter.counts
            aws = sum(n for (service, _), n in counts.items() if service != "kubernetes")
            k8s = sum(n for (service, _), n in counts.items() if service == "kubernetes")
            wall = min(walls)
            print(f"{size:>8} {aws:>8} {aws / size:>7.1f} {k8s:>8} {k8s / size:>7.1f} {wall:>7.2f} {wall / size:>6.3f}"
                  f" {built:>8.1f}")
            if size == args.sizes[-1]:
                per_op = sorted(((n, f"{s}:{o}") for (s, o), n in counts.items() if s != "kubernetes"), reverse=True)
                print("AWS requests by operation (last run): " + ", ".join(f"{op} {n}" for n, op in per_op))
                print(f"median cluster collection time: {statistics.median(r.seconds for r in result.runs):.2f}s")
    finally:
        kube.stop()
        fake.stop()
        server.stop()


if __name__ == "__main__":
    main()
