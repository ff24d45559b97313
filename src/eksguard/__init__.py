"""eksguard: stops Amazon EKS security mistakes before and after a cluster exists."""

__version__ = "0.1.0"
