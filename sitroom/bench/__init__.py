"""Measurement of speed, memory and scaling: the `sitroom bench`, `bench-merge`, `bench-serve` and `corpus`
commands.

Kept apart from the product: nothing under `sitroom/` outside this package and `sitroom/evaluation`
imports it.

- `ingest.py`: whole-ingest throughput beside bare spaCy (`sitroom bench`)
- `scale.py`: ingest on Dask workers, and peak memory by corpus size
- `store.py`: query latency of a large store loaded in bulk
- `merge.py`: how merging scales with the number of reports (`sitroom bench-merge`)
- `serve.py`: requests/s and latency of `sitroom serve` while an ingest writes (`sitroom bench-serve`)
- `corpus.py`: synthetic wire reports with known truth (`sitroom corpus generate`)
"""
