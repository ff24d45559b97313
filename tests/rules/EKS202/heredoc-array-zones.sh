AZS=($(aws ec2 describe-availability-zones --query 'AvailabilityZones[].ZoneName' --output text))
cat << EOF > cluster.yaml
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: demo
  region: ${AWS_REGION}
availabilityZones: ["${AZS[0]}", "${AZS[1]}"]
EOF
eksctl create cluster -f cluster.yaml
