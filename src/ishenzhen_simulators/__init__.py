"""Stand-ins for the city's department back ends, each run as its own process on a loopback port.

The gateway never imports this package; it speaks to the simulators only over HTTP, and they answer and call
the gateway back only over HTTP. ``python -m ishenzhen_simulators --config FILE --process NAME`` starts one
process serving the departments that the configuration file assigns to ``NAME``.
"""

__all__: list[str] = []
