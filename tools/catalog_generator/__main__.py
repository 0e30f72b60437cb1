"""``python -m tools.catalog_generator``: regenerate the committed catalogue files."""

from tools.catalog_generator.generator import main

raise SystemExit(main())
