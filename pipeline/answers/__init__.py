"""Answers read the store: evaluation against labels, canned queries, statistics, reports."""
