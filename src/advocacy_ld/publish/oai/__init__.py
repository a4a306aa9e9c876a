"""OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html) over plain data.

The web layer hands this package the list of harvestable records (`OaiEntry`) and the public
store; nothing here knows about FastAPI or the record lifecycle (DESIGN.md §2).
"""

from advocacy_ld.publish.oai.entries import EntryIndex, OaiEntry
from advocacy_ld.publish.oai.protocol import OaiContext, respond

__all__ = ["EntryIndex", "OaiContext", "OaiEntry", "respond"]
