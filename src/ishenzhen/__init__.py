"""ishenzhen: the back end of a city-government super-app modelled on Shenzhen's i深圳."""

__version__ = "0.1.0"
