"""Benchmarks: `make bench`. Each module here has `run() -> Table`; tables print side by side
with a baseline measured in the same run, never against numbers from another machine or day."""
