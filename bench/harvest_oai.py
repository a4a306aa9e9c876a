"""Harvest the OAI-PMH endpoint (`/oai`) the way a harvester does, and time it.

One keep-alive HTTP connection; ListRecords in one metadata format, each page parsed with lxml
(as Sickle and most harvesters do) and its resumption token followed until the list ends
(OAI-PMH 2.0 §3.5). Records, deleted ones included, are counted by identifier. The goal:
>= 2,000 records/s over 10,000 statements, in each format.
"""

from __future__ import annotations

import sys
import time

import httpx
from lxml import etree

OAI = "{http://www.openarchives.org/OAI/2.0/}"
_PARSER = etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=True)


def harvest_oai(base_url: str, metadata_prefix: str) -> tuple[int, float]:
    """A full ListRecords harvest of `{base_url}/oai`; returns (records, seconds)."""
    endpoint = f"{base_url.rstrip('/')}/oai"
    params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
    identifiers: set[str] = set()
    started = time.perf_counter()
    with httpx.Client(timeout=120.0) as client:
        while True:
            response = client.get(endpoint, params=params)
            response.raise_for_status()
            root = etree.fromstring(response.content, _PARSER)
            error = root.find(f"{OAI}error")
            if error is not None:
                if error.get("code") == "noRecordsMatch":
                    break
                raise RuntimeError(f"OAI-PMH error {error.get('code')}: {error.text}")
            for identifier in root.iter(f"{OAI}identifier"):
                identifiers.add(identifier.text or "")
            token = root.find(f".//{OAI}resumptionToken")
            if token is None or not token.text:
                break
            params = {"verb": "ListRecords", "resumptionToken": token.text}
    return len(identifiers), time.perf_counter() - started


if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    for prefix in sys.argv[2:] or ["oai_dc", "rdf"]:
        count, seconds = harvest_oai(url, prefix)
        print(f"{prefix}: {count} records in {seconds:.2f} s ({count / seconds:.0f} records/s)")
