"""SHACL validation of one record at a time; the only package that imports pySHACL."""

from advocacy_ld.validation.report import Severity, ValidationReport, ValidationResult
from advocacy_ld.validation.validator import validate_record

__all__ = ["Severity", "ValidationReport", "ValidationResult", "validate_record"]
