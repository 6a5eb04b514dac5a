"""The geoparsing evaluation: corpus reading, span rules, scoring, and a small run on the peer data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import PEER_DATA

from sitroom.evaluation import geoparsing
from sitroom.evaluation.geoparsing import Toponym, _pairs, read_articles
from sitroom.records import PlaceMention
from sitroom.resolve.geo import GeoContext, document_contexts

TEXT = "Flooding hit Alexandria, Louisiana on Monday; French aid reached Pineville."
# Invented articles in the two layouts the corpora use (GeoWebNews; LGL and TR-News).
GWN = f"""<?xml version="1.0" ?><articles><article file="7"><text>{TEXT}</text><toponyms>
<toponym><extractedName>Alexandria</extractedName><type>Literal</type><start>13</start><end>23</end>
<latitude>31.31</latitude><longitude>-92.44</longitude></toponym>
<toponym><extractedName>French</extractedName><type>Demonym</type><start>46</start><end>52</end>
<latitude /><longitude /></toponym>
<toponym><extractedName>aid</extractedName><type>Literal_Expression</type><start>53</start><end>56</end>
</toponym></toponyms></article></articles>"""
LGL = f"""<?xml version="1.0" ?><articles><article docid="42"><text><![CDATA[{TEXT}]]></text><toponyms>
<toponym><start>25</start><end>34</end><phrase>Louisiana</phrase>
<gaztag geonameid="1"><lat>31.0</lat><lon>-92.0</lon></gaztag></toponym></toponyms></article></articles>"""


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    (tmp_path / "GWN.xml").write_text(GWN, encoding="utf-8")
    (tmp_path / "LGL.xml").write_text(LGL, encoding="utf-8")
    (tmp_path / "TR-News.xml").write_text(LGL.replace('docid="42"', 'docid="43"'), encoding="utf-8")
    (tmp_path / "split.csv").write_text(
        "file,article_index,article_key,split\nGWN.xml,1,7,dev\nLGL.xml,1,42,heldout\nTR-News.xml,1,43,dev\n",
        encoding="utf-8",
    )
    return tmp_path


def test_reads_both_layouts_and_gwn_types(corpus_dir):
    gwn, lgl, tr = read_articles(corpus_dir)
    assert (gwn.split, lgl.split, tr.split) == ("dev", "heldout", "dev")
    assert [t.text for t in gwn.gold] == ["Alexandria"]  # the demonym is kept but not scored
    assert [(t.text, t.scored) for t in gwn.toponyms] == [("Alexandria", True), ("French", False)]
    assert lgl.gold[0].text == "Louisiana" and lgl.gold[0].lat == 31.0


def test_span_rules():
    gold = [Toponym(13, 23, "Alexandria", 31.3, -92.4), Toponym(25, 34, "Louisiana", 31.0, -92.0)]
    preds = [(13, 34, None), (25, 34, None)]
    assert [i for i, _ in _pairs(gold, preds, "exact")] == [1]
    assert [i for i, _ in _pairs(gold, preds, "overlap")] == [0, 1]  # each prediction used once


def test_scoring_counts_hits_misses_and_unscored(corpus_dir, pipeline):
    article = read_articles(corpus_dir)[0]
    alexandria = pipeline.resolvers.geo.resolve("Alexandria, Louisiana")
    predicted = [
        PlaceMention(13, 23, "Alexandria", alexandria),
        PlaceMention(46, 52, "French", None),  # on an unscored demonym: neither hit nor false alarm
        PlaceMention(53, 56, "aid", None),  # on a common-noun expression: a false alarm
    ]
    tally = geoparsing.Tally()
    geoparsing.score_article(pipeline, article, predicted, tally)
    assert tally.exact == [1, 2, 1]
    assert tally.e2e_within.n == 1 and tally.gold_resolved.n == 1
    metrics = tally.metrics("GWN")
    assert metrics["GWN.detect.exact.precision"].value == 0.5
    assert metrics["GWN.detect.exact.recall"].value == 1.0


def test_container_after_a_comma_is_context():
    spans = [(13, 23, "Alexandria"), (25, 34, "Louisiana"), (65, 74, "Pineville")]
    contexts = document_contexts(TEXT, spans)
    assert [c.container for c in contexts] == ["Louisiana", None, None]
    assert contexts[2].document_places == ("Alexandria", "Louisiana", "Pineville")


def test_containing_state_picks_the_namesake(pipeline):
    spans = [(13, 23, "Alexandria"), (25, 34, "Louisiana")]
    contexts = document_contexts(TEXT, spans)
    place = pipeline.resolvers.geo.resolve_document([("Alexandria", contexts[0]), ("Louisiana", contexts[1])])
    assert place[0].country_code == "US" and place[0].admin1 == "Louisiana"
    assert place[1].feature == "admin1"


def test_world_city_beats_a_small_local_namesake(pipeline):
    geo = pipeline.resolvers.geo
    texts = ["Texas", "Austin", "London"]
    from sitroom.resolve.geo import GeoContext

    places = geo.resolve_document([(t, GeoContext(document_places=tuple(texts))) for t in texts])
    assert places[2].country_code == "GB"
    assert places[1].admin1 == "Texas"


@pytest.mark.skipif(not (PEER_DATA / "geoparsing").is_dir(), reason="peer data geoparsing/ is absent")
def test_small_run_on_the_peer_corpora(pipeline):
    result = geoparsing.evaluate_geoparsing(pipeline, PEER_DATA / "geoparsing", limit=1)
    dev = result["metrics"]["dev"]
    assert result["counts"]["dev"]["pooled.articles"] == 3
    for name in ("pooled.detect.overlap.f1", "pooled.e2e.acc161", "pooled.baseline.gold_spans.acc161"):
        assert name in dev
    assert 0 <= dev["pooled.detect.overlap.recall"]["value"] <= 1


def test_demonyms_count_where_the_corpus_scores_them(corpus_dir, pipeline):
    """A demonym mention counts like any other: a hit on a phrase the corpus scores (GeoWebNews scores
    "French" in "French aid" as a modifier), left out on an unscored Demonym phrase, a false alarm on none."""
    gwn, lgl, _ = read_articles(corpus_dir)
    french = pipeline.resolvers.geo.resolve("French", GeoContext(feature_hint="demonym"))
    assert french.feature == "demonym"
    on_french = [PlaceMention(46, 52, "French", french)]
    off_gold = [PlaceMention(0, 8, "Flooding", french)]
    modifier = Toponym(46, 52, "French", 46.0, 2.0)  # as GeoWebNews types "French" before a noun
    scored_gwn = replace(gwn, toponyms=(*gwn.gold, modifier))
    for article, predicted, exact in (
        (gwn, on_french, [0, 0, 1]),  # typed Demonym here: neither hit nor false alarm
        (scored_gwn, on_french, [1, 1, 2]),
        (gwn, off_gold, [0, 1, 1]),
        (lgl, off_gold, [0, 1, 1]),
    ):
        tally = geoparsing.Tally()
        geoparsing.score_article(pipeline, article, predicted, tally)
        assert tally.exact == exact, (article.corpus, predicted[0].text)
    tally = geoparsing.Tally()
    geoparsing.score_article(pipeline, scored_gwn, on_french, tally)
    assert tally.e2e_within.hits == 1  # France's point, within 161 km of the gold one


def test_gold_demonym_spans_resolve_to_their_country(pipeline):
    text = "Russian officials met in Moscow."
    spans = [Toponym(0, 7, "Russian", 60.0, 100.0), Toponym(25, 31, "Moscow", 55.75, 37.62)]
    russian, moscow = geoparsing.resolve_gold_spans(pipeline, text, spans)
    assert russian.country_code == "RU" and russian.feature == "demonym"
    assert moscow.country_code == "RU" and moscow.feature == "city"
