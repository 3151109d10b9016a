"""Tests of the pure side of the drift checker: analyzer, ignore rules, severities, reports."""
