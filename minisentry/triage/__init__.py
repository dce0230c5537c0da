"""Triage actions both frames and the API share: each changes issues and writes their activity."""
