"""Development tools that are not the product: nothing under ``src/`` imports them, the wheel leaves them out."""
