"""The protocol's error conditions (OAI-PMH 2.0 §3.6): answered in XML with HTTP 200."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    BAD_ARGUMENT = "badArgument"
    BAD_RESUMPTION_TOKEN = "badResumptionToken"
    BAD_VERB = "badVerb"
    CANNOT_DISSEMINATE_FORMAT = "cannotDisseminateFormat"
    ID_DOES_NOT_EXIST = "idDoesNotExist"
    NO_METADATA_FORMATS = "noMetadataFormats"
    NO_RECORDS_MATCH = "noRecordsMatch"
    NO_SET_HIERARCHY = "noSetHierarchy"

    @property
    def echoes_arguments(self) -> bool:
        """§3.6: after badVerb or badArgument the `request` element carries no attributes."""
        return self not in (ErrorCode.BAD_VERB, ErrorCode.BAD_ARGUMENT)


@dataclass(frozen=True)
class OaiError:
    """One `<error>`; the message never holds more than the request itself said."""

    code: ErrorCode
    message: str
