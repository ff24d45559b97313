eksctl create nodegroup --cluster demo --name given-subnets --subnet-ids subnet-0edeb3a04bec27141,subnet-0edeb3a04bec27142
eksctl create nodegroup --cluster demo --name private-flag -P --subnet-ids subnet-0edeb3a04bec27141
eksctl create nodegroup --cluster demo --name eksctl-picks
