"""The organisations' employment rules, as data files staff edit (karyar/reference/policies/*.yml)."""

from karyar.policies.errors import PolicyError
from karyar.policies.loader import POLICY_DIR, PolicySet, load_policies, policies
from karyar.policies.schema import Criterion, Policy, Service

__all__ = [
    "POLICY_DIR",
    "Criterion",
    "Policy",
    "PolicyError",
    "PolicySet",
    "Service",
    "load_policies",
    "policies",
]
