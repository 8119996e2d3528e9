"""Celery: the app, thin tasks that call syndicate/, and the beat schedule."""
