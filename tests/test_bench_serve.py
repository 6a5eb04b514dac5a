"""The serving benchmark runs end to end on a tiny store and reports every row."""

from __future__ import annotations

from sitroom.bench.serve import READS, Ingest, render_serve_bench, run_serve_bench


def test_the_serving_benchmark_reports_each_path_and_the_mix():
    results = run_serve_bench(60, clients=2, seconds=0.5, workers=1, ingest=Ingest(5, 0.1))
    sqlite = results["backends"]["sqlite"]
    assert [row["path"] for row in sqlite["rows"]] == ["static file", *READS, "mix"]
    assert all(row["requests"] > 0 and row["errors"] == {} for row in sqlite["rows"])
    assert sqlite["ingested_reports"] > 0 and sqlite["mix_vs_static"] > 0
    assert "mix/static" in render_serve_bench(results)
