#!/usr/bin/python3
"""Parses Prometheus text format from stdin with the official Python client's parser; prints its samples as JSON.

A document the parser refuses exits non-zero with its error on stderr."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        samples.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels, "value": s.value})
json.dump(samples, sys.stdout)
