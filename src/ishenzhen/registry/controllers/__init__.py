"""The registry API under /v1/registry, one controller per resource; departments write, reviewers approve.

- ``items``: the registered items (list, registering a new one, one item, withdrawal, calling off a schedule).
- ``drafts``: an item's draft, from its start until it is submitted.
- ``versions``: versions, diffs, the audit trail and rollback.
- ``review``: the review queue, approval and rejection.
- ``export``: a department's published items as its source file.
"""

from ishenzhen.registry.controllers.drafts import DraftsController
from ishenzhen.registry.controllers.export import ExportController
from ishenzhen.registry.controllers.items import ItemsController
from ishenzhen.registry.controllers.review import ReviewController
from ishenzhen.registry.controllers.versions import VersionsController

__all__ = [
    "REGISTRY_CONTROLLERS",
    "DraftsController",
    "ExportController",
    "ItemsController",
    "ReviewController",
    "VersionsController",
]

REGISTRY_CONTROLLERS = [
    ItemsController,
    DraftsController,
    VersionsController,
    ReviewController,
    ExportController,
]
