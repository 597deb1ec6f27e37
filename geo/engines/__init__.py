"""Engines that run a join beyond one process: :mod:`geo.engines.dask` (dask.distributed).

The in-memory engine is :func:`geo.joining.join` itself. Every engine runs the same rules
(:mod:`geo.joining.rules`, :func:`geo.registers.build.parse_rows`); an engine only decides how a
register is cut into batches, where the batches run and how the whole-table steps are
added up. Nothing here is imported by ``import geo``: dask, distributed and
dask-geopandas are an optional extra (``pip install "iran-estates[dask]"``).
"""
