eksctl create cluster --name a --ssh-public-key=k.pub
eksctl create cluster --name b --ssh-public-key=k.pub --managed=false
eksctl create cluster --name c --ssh-public-key=k.pub --ssh-access
