"""The local web workbench (`gossamer serve`): a JSON API over the corpus store and one page."""

from .app import create_app

__all__ = ["create_app"]
