"""Locate the model files, whether installed as a wheel or run from a source checkout.

A wheel carries `ontology/` and `shapes/` inside the package (`advocacy_ld/_model`, see
pyproject.toml); an editable install reads them from the repository root.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def model_root() -> Path:
    """The directory holding `ontology/` and `shapes/`."""
    packaged = Path(str(files("advocacy_ld"))) / "_model"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError("advocacy-ld model files (ontology/, shapes/) not found")


def ontology_dir() -> Path:
    return model_root() / "ontology"


def shapes_dir() -> Path:
    return model_root() / "shapes"
