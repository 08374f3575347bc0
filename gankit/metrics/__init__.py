"""Metrics that tell a good generator from a collapsed one.

mode_benchmarks.py  modes covered, high-quality share and KL to uniform on the mode-collapse
                    benchmark sets (ring-8, grid-25, stacked-mnist), into RUN/eval.json
"""
