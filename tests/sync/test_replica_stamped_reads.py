"""``Replica.records_with_stamps``: live records of a kind with each field's stamp, in one read."""

from __future__ import annotations

from collections.abc import Callable

from sync import Replica


def test_records_with_stamps_gives_live_records_of_the_kind_with_their_stamps(
    make_replica: Callable[..., Replica],
) -> None:
    rep = make_replica()
    rep.put("consent", "c1", {"action": "granted"})
    rep.put("consent", "c2", {"action": "granted"})
    rep.put("consent", "c2", {"action": "withdrawn"})
    rep.put("person", "p1", {"name": "Sanna"})
    rep.put("consent", "c3", {"action": "declined"})
    rep.delete("consent", "c3")
    found = list(rep.records_with_stamps("consent"))
    assert [(rid, fields) for rid, fields, _ in found] == [
        ("c1", {"action": "granted"}),
        ("c2", {"action": "withdrawn"}),
    ]
    for rid, _, stamps in found:
        stored = rep.record(rid)
        assert stored is not None and stamps == stored["stamps"]
    assert found[1][2]["action"] > found[0][2]["action"]  # c2's later write, a later stamp


def test_records_with_stamps_can_be_limited_to_ids_in_batches(
    make_replica: Callable[..., Replica],
) -> None:
    rep = make_replica()
    rep.put_many(("consent", f"c{i:04d}", {"n": i}) for i in range(1200))
    wanted = [f"c{i:04d}" for i in range(0, 1200, 2)] + ["missing", "c0000"]
    found = list(rep.records_with_stamps("consent", wanted))
    assert [rid for rid, _, _ in found] == [f"c{i:04d}" for i in range(0, 1200, 2)]
    assert list(rep.records_with_stamps("consent", [])) == []
    assert list(rep.records_with_stamps("person", wanted)) == []
