"""Tests of apps.lib."""
