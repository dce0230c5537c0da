"""Tests of the triage actions (minisentry.triage)."""
