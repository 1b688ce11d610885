"""Tables and graphs built from analyses: the event table (CSV) and the actor network (GEXF, GraphML).

Exports read finished `Analysis` objects only; they never run a stage.
"""

from __future__ import annotations

from .events_csv import COLUMNS, events_csv, write_events_csv
from .network import network_graph, write_gexf, write_graphml

__all__ = ["COLUMNS", "events_csv", "network_graph", "write_events_csv", "write_gexf", "write_graphml"]
