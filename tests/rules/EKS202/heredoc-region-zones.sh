cat << EOF > cluster.yaml
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: demo
  region: ${AWS_REGION}
availabilityZones: ["${AWS_REGION}a", "${AWS_REGION}c"]
EOF
eksctl create cluster -f cluster.yaml
