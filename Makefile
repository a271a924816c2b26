# The two commands the README gives are "go run ./cmd/uglymugs demo" and
# "bash .ci/run"; these are shorthands, and the benchmark suite.
.PHONY: demo test bench

demo:
	go run ./cmd/uglymugs demo

test:
	bash .ci/run

# Seeds 1,000,000 members and 10,000,000 identifiers (about 10 minutes and
# a few GB in a temporary directory), loads the real binary and rewrites
# docs/benchmarks.md.
bench:
	go run ./cmd/uglymugs-bench -out docs/benchmarks.md
