from sitroom.bench.ingest import fastest


def test_the_fastest_run_is_kept_with_the_highest_peak_memory_of_all():
    runs = [
        {"docs_per_s": 30.0, "peak_rss_mb": 300.0, "load_s": 5.0},
        {"docs_per_s": 34.0, "peak_rss_mb": 290.0, "load_s": 6.0},
        {"docs_per_s": 31.0, "peak_rss_mb": 310.0, "load_s": 4.0},
    ]
    best = fastest(runs, lambda run: run["docs_per_s"], ("peak_rss_mb",))
    assert best == {"docs_per_s": 34.0, "peak_rss_mb": 310.0, "load_s": 6.0}
    assert fastest(runs, lambda run: -run["load_s"], ()) == runs[2]
