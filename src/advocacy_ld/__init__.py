"""advocacy-ld: a linked-data publisher for advocacy documents."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("advocacy-ld")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"

__all__ = ["__version__"]
