"""Telling the citizen: the inbox and the live event stream."""
