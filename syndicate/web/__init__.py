"""The HTTP app: routers for the ingest API (api), the home page (home), the operations
pages (ops), the API's documentation (docs) and the published files (files), assembled
by a small factory (app)."""

from syndicate.web.app import create_app, server_config

__all__ = ["create_app", "server_config"]
