"""Benchmarks of the project: ``make bench`` (``python -m bench``).

Every figure is a ratio against a baseline measured in the same run on the same
machine (``GeoDataFrame.explore()`` for maps, a bare ``geopandas.sjoin`` for joins), so
the targets hold or fail independently of how fast the machine is.
"""
