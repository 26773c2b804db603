"""pos_app: a desktop point-of-sale.

Layers, innermost first: ``domain`` (rules, no I/O), ``persistence`` (tables, engine,
migrations), ``repositories`` (queries and the unit of work), ``services`` (sale, order,
receiving, journal, integrity check) and ``ui`` (Qt widgets that only talk to services).
"""

__version__ = "0.1.0"
