"""What only the embedded store does: live on disk across reopening, and checkpoint itself.

The contract it shares with the remote store is in `test_contract.py`.
"""

from __future__ import annotations

from pathlib import Path

from rdflib.compare import isomorphic

from advocacy_ld.store import OxigraphStore, open_store

from .test_contract import RECORD, org_graph


def test_on_disk_store_survives_reopening(tmp_path: Path) -> None:
    store = open_store("oxigraph", tmp_path / "store")
    store.put_record(RECORD, org_graph("Durable"))
    store.close()
    reopened = open_store("oxigraph", tmp_path / "store")
    graph = reopened.get_record(RECORD)
    assert graph is not None
    assert isomorphic(graph, org_graph("Durable"))
    assert reopened.triple_count() == len(org_graph("Durable"))
    reopened.close()


def test_an_on_disk_store_checkpoints_and_a_memory_one_cannot(tmp_path: Path) -> None:
    store = open_store("oxigraph", tmp_path / "store")
    assert isinstance(store, OxigraphStore)
    store.put_record(RECORD, org_graph("Copied"))
    assert store.snapshot(tmp_path / "copy") is True
    store.close()
    copy = OxigraphStore(tmp_path / "copy")
    assert copy.record_iris() == [RECORD]
    copy.close()
    assert OxigraphStore().snapshot(tmp_path / "nothing") is False
