#!/bin/sh
# external-dns's AWS tutorial: every pod on these nodes may rewrite any hosted zone
eksctl create cluster --name dns-cli --with-oidc \
  --external-dns-access
