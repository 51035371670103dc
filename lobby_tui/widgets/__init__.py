"""Reusable widgets: the form machinery, the timeline, the header."""
