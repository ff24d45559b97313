"""`scan` runs without the cycle collector (cli.scan): reading a Terraform module must not leave cyclic
garbage behind (its views, resources and builder point at each other), or every module's graph stays in
memory until the scan ends."""

from __future__ import annotations

import gc
from pathlib import Path

from eksguard.sources import collect

FIXTURES = Path(__file__).parent / "fixtures"


def test_reading_modules_leaves_no_cycles_for_a_scan_without_the_collector() -> None:
    gc.collect()
    gc.disable()
    try:
        estate = collect([str(FIXTURES / "bad"), str(FIXTURES / "eks-v19")], {})
        assert len(estate.clusters) >= 2
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = {type(obj).__name__ for obj in gc.garbage} & {"HclModule", "HclView", "Builder", "Evaluator"}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == set()
