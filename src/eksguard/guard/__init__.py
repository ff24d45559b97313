"""The kubectl guard: refuses mutating kubectl commands aimed at the wrong EKS cluster.

Modules, from facts to action:

- `argv`: guard-only options, and the kubectl flags the guard reads (context, kubeconfig, -f/-k ...);
- `verbs`: which kubectl commands change the cluster;
- `kubeconfig`: the effective context, merged as kubectl merges KUBECONFIG files;
- `target`: the EKS cluster name, region and account behind a context;
- `environments`: `.eksguard.yaml` `environments:`; which environment a context or a path belongs to;
- `manifests`: the environment the manifests being applied claim (paths, labels, kustomize);
- `versions`: kubectl client and API server versions (EKS601), cached;
- `identity`: the AWS account in use (profile configuration, STS);
- `decide`: the pure decision from those facts;
- `audit`, `state`: the audit log and the last-context memory;
- `runner`, `cli`, `plugin`: I/O, prompts, and running kubectl.

Exit codes: kubectl's own when it runs; 3 when the guard refuses; 2 for usage or configuration errors.
"""

EXIT_REFUSED = 3
EXIT_USAGE = 2
