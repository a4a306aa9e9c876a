"""Deployment settings: one class, read from `ADVOCACY_LD_*` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BASE_URI = "http://127.0.0.1:8000"


class Settings(BaseSettings):
    """Where the data lives, which IRIs the deployment answers for, and which store it uses."""

    model_config = SettingsConfigDict(env_prefix="ADVOCACY_LD_", extra="ignore")

    data: Path = Path("data")
    base_uri: str = DEFAULT_BASE_URI
    # "oxigraph" (embedded, on disk under `data`), "memory" (embedded, nothing on disk).
    store: str = "oxigraph"

    @field_validator("base_uri")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_uri must be an http(s) URL")
        return value.rstrip("/")

    @property
    def id_prefix(self) -> str:
        """Every record IRI of this deployment starts with this."""
        return f"{self.base_uri}/id/"

    @property
    def store_path(self) -> Path:
        """The embedded store's directory."""
        return self.data / "store"
