"""Triage actions shared by both browse frames and the API: each change writes its Activity rows."""
