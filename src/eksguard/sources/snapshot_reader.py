"""Registers the live-audit snapshot reader (`eksguard scan snapshot.json`) with the dispatcher."""

from eksguard.live.snapshot_source import PRIORITY, register

__all__ = ["PRIORITY", "register"]
