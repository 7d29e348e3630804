"""Tracking at the edge: events in (POST /api/events, dregs.js) and the identities, groups, devices,
events and mappings they make."""
