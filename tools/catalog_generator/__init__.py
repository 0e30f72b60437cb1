"""The synthetic catalogue generator: writes ``services_catalog/`` from the vocabulary, the same bytes every run.

    python -m tools.catalog_generator [--out services_catalog] [--scale N]

A development tool, not part of the service: the gateway reads the committed files and never imports this.
"""

from tools.catalog_generator.generator import build_catalog, main

__all__ = ["build_catalog", "main"]
