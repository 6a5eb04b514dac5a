"""Merge: the mentions of one event within a report (`document`), then the reports of one event
across documents (`reports`)."""

from sitroom.merge.document import combine, compatible, merge_document_events
from sitroom.merge.reports import KeepReports, ReportMerger, blocking_keys, merge_reports

__all__ = [
    "KeepReports",
    "ReportMerger",
    "blocking_keys",
    "combine",
    "compatible",
    "merge_document_events",
    "merge_reports",
]
