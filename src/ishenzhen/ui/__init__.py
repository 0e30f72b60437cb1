"""Server-driven UI: the render spec every service item publishes, and what is done with it.

- ``model``: the components (the source of the published JSON Schema, ``schema``).
- ``checks``: what a spec must satisfy beyond its types (``check_spec``).
- the default spec of an item without a hand-written one, and the item-aware checks, are the catalogue's
  (``catalog.default_spec``, ``catalog.spec_checks``): this package depends on ``lib`` only.
- ``capabilities``: the ``Ishenzhen-Render`` header and the fallbacks for components an app cannot draw.
- ``submission``: checking submitted form data against a spec (``validate_submission``).
- ``prefill``: initial values from the signed-in citizen's profile.
- ``resolve``: the guide/form response shapes and their localisation.
"""
