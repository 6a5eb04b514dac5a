"""Merge: the mentions of one event within a report (`document`), then the reports of one event
across documents (`reports`, with `blocking`, `cards`, `linking`, `combining`, `reviews` and `memo`)."""

from sitroom.merge.blocking import blocking_keys
from sitroom.merge.document import combine, compatible, merge_document_events
from sitroom.merge.reports import KeepReports, ReportMerger, merge_reports

__all__ = [
    "KeepReports",
    "ReportMerger",
    "blocking_keys",
    "combine",
    "compatible",
    "merge_document_events",
    "merge_reports",
]
