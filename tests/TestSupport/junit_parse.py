#!/usr/bin/python3
"""Reads JUnit XML files (arguments) with junitparser, as CI tools' Python plugins do, merged the way a CI server
merges many hosts' files; prints each suite with its cases and results as JSON. A file it refuses exits non-zero."""
import json
import sys

from junitparser import JUnitXml, Failure, Skipped, Error

merged = JUnitXml()
for path in sys.argv[1:]:
    merged += JUnitXml.fromfile(path)

suites = []
for suite in merged:
    cases = []
    for case in suite:
        kinds = [r for r in case.result]
        result = "failure" if any(isinstance(r, (Failure, Error)) for r in kinds) else "skipped" if any(isinstance(r, Skipped) for r in kinds) else "passed"
        cases.append({"classname": case.classname, "name": case.name, "result": result, "type": next((r.type for r in kinds if isinstance(r, Failure)), None)})
    suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "cases": cases})
json.dump(suites, sys.stdout)
