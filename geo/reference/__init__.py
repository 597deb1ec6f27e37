"""Reference data: the provinces, counties, their names, and the published facts and tables."""
