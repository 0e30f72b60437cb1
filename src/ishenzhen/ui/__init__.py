"""Server-driven UI: the render spec every service item publishes, and what is done with it.

``model`` defines the components (the source of the published JSON Schema).
"""
