"""Parsed documents share what repeats across files: one string per distinct key or value, one
(line, column) pair per position. The model keeps Kubernetes documents until the rules ran."""

from __future__ import annotations

from eksguard.findings import NO_DETAILS, Status, fail, passed
from eksguard.model import Origin, Text, declared
from eksguard.sources.loading import Limits, parse_documents

TEXT = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n" + "data:\n  " + "k" * 30 + ": " + "v" * 30 + "\n"


def test_two_files_share_their_strings_and_positions() -> None:
    first = parse_documents(TEXT, Limits(), as_json=False)[0]
    second = parse_documents(TEXT + "\n", Limits(), as_json=False)[0]
    assert first == second
    for a, b in zip(first["data"].items(), second["data"].items(), strict=True):
        assert a[0] is b[0] and a[1] is b[1]  # built separately by the parser, one object once read
    assert next(iter(first)) is next(iter(second))
    assert first["metadata"].marks["name"] == (4, 3)
    assert first["metadata"].marks["name"] is second["metadata"].marks["name"]


def test_positions_past_the_shared_range_are_still_exact() -> None:
    key = "k" * 300
    far = "\n" * 5000 + "a: 1\n" + key + ": {b: 1}\n"
    document = parse_documents(far, Limits(), as_json=False)[0]
    assert document.marks["a"] == (5001, 1) and document[key].marks["b"] == (5002, 304)


def test_results_without_details_share_one_read_only_mapping() -> None:
    value = declared(True, Origin("f.yaml", 3, 1, "x"))
    plain = fail("cluster/a", value, Text("m", "m"))
    detailed = fail("cluster/a", value, Text("m", "m"), cidrs=["0.0.0.0/0"])
    assert plain.extra is NO_DETAILS and passed("cluster/a").extra is NO_DETAILS
    assert dict(detailed.extra) == {"cidrs": ["0.0.0.0/0"]} and detailed.status is Status.FAIL
    try:
        NO_DETAILS["x"] = 1  # type: ignore[index]
    except TypeError:
        pass
    else:
        raise AssertionError("NO_DETAILS must not be writable")
    assert not NO_DETAILS
