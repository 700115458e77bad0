#!/usr/bin/env bash
# Benchmarks with their peers in the same run (see bench/README.md). Needs nginx and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet run -c Release --project bench/NgxDoctor.Bench -- "$@"
