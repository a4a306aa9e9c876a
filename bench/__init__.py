"""Benchmarks of advocacy-ld against references measured in the same run (DESIGN.md §7).

Run with `make bench` or `python -m bench --help`; see bench/README.md. Nothing here is imported
by the project or by its tests.
"""
