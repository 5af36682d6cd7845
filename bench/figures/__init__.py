"""The figures of bin/bench, one module each, mixed into bench.Bench; common and cluster are shared."""
