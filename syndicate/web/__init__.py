"""The HTTP app: routers for the ingest API (api), the published files (files) and the
operations pages (ops), assembled by a small factory (app)."""

from syndicate.web.app import create_app, server_config

__all__ = ["create_app", "server_config"]
