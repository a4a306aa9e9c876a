"""rdflib-endpoint over an in-memory rdflib Dataset: the pure-Python SPARQL reference.

Runs in the bench-only virtual environment (rdflib-endpoint pins its own FastAPI and rdflib), so
it must not import advocacy_ld. It parses an N-Quads file into a Dataset whose default graph is
the union of the record graphs (as advocacy-ld's and Oxigraph's are), reports how long that
took and how much memory it holds, then serves it with uvicorn with the same options as the
other servers: one process, uvloop, httptools.

Run as `python -m bench.rdflib_server NQUADS PORT`.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path


def main() -> None:
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint  # type: ignore[import-not-found,unused-ignore]

    nquads, port = Path(sys.argv[1]), int(sys.argv[2])
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    seconds = time.perf_counter() - started
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    quads = sum(1 for _ in dataset.quads())
    print(f"rdflib-endpoint: parsed {quads} quads in {seconds:.1f} s, ", end="")
    print(f"peak RSS {rss_mib:.0f} MiB", flush=True)
    app = SparqlEndpoint(graph=dataset, path="/sparql")
    uvicorn.run(
        app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", log_level="warning"
    )


if __name__ == "__main__":
    main()
