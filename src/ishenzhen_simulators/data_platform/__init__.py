"""A stand-in for the city's data-sharing platform: its own process, signed requests, deterministic data."""

from ishenzhen_simulators.data_platform.app import create_app
from ishenzhen_simulators.data_platform.registers import City

__all__ = ["City", "create_app"]
