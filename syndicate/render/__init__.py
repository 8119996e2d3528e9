"""Pure renderers: (settings, locale, items) -> bytes. No database, no file system."""
