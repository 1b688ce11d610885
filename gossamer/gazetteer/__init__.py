"""An offline gazetteer: GeoNames towns, countries, ISO 3166-2 subdivisions and curated features.

``load_gazetteer()`` returns the process-wide index, building it into the user cache the first
time (see `store`). The index answers "which places can this name be?" by name key, and carries
each place's coordinates, country, admin1, feature code and GeoNames id.
"""

from .model import ADMIN1, CITY, COUNTRY, FEATURE, KIND_NAMES, Gazetteer, GazetteerIndex, distance_km
from .store import cache_dir, index_path, index_version, load_gazetteer, load_or_build

__all__ = [
    "ADMIN1",
    "CITY",
    "COUNTRY",
    "FEATURE",
    "KIND_NAMES",
    "Gazetteer",
    "GazetteerIndex",
    "cache_dir",
    "distance_km",
    "index_path",
    "index_version",
    "load_gazetteer",
    "load_or_build",
]
