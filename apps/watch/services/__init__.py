"""Writes of the watch app: source archives and link-rot checks (sources), watched pages and
their snapshots (watches), an editor's decision on a change (review)."""
