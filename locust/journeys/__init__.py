"""The Locust suite's journeys, one module per kind of user (see locust/README.md)."""
