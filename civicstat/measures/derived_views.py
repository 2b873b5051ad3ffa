"""The built-in derived views (registered on first use of civicstat.measures.derived)."""
