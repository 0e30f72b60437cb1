"""The app's home screen: layout from the catalogue snapshot, localised text, encoded once per revision.

- ``controllers``: ``GET /v1/app/home`` (HTTP only).
- ``service``: ``HomeScreens``, the built screens of one app instance for the current catalogue revision.
- ``layout``: the sections in the order the app draws them (``build_home``).
- ``schemas``: the screen's msgspec Structs (``HomeScreen``), published in the OpenAPI document.
- ``text``: the fixed labels in each locale and ``Accept-Language`` negotiation.
"""

from ishenzhen.screens.home.controllers import HomeController
from ishenzhen.screens.home.layout import HOME_PATH
from ishenzhen.screens.home.schemas import HomeScreen, Locale
from ishenzhen.screens.home.service import HomeScreens

__all__ = ["HOME_PATH", "HomeController", "HomeScreen", "HomeScreens", "Locale"]
