# The two commands the README gives are "go run ./cmd/uglymugs demo" and
# "bash .ci/run"; these are shorthands, and the benchmark suite.
.PHONY: demo test bench bench-postgres

demo:
	go run ./cmd/uglymugs demo

test:
	bash .ci/run

# Seeds 1,000,000 members and 10,000,000 identifiers on SQLite (about 10
# minutes and a few GB in a temporary directory), loads the real binary,
# then does the same at 100,000 members on PostgreSQL: the server
# BENCH_POSTGRES names (its user needs CREATEDB; a database is made for the
# run and dropped after), or a throwaway one from .ci/postgres.sh. Each
# run rewrites its own section of docs/benchmarks.md.
bench:
	go run ./cmd/uglymugs-bench -out docs/benchmarks.md
	$(MAKE) bench-postgres

bench-postgres:
	@if [ -n "$$BENCH_POSTGRES" ]; then \
	  go run ./cmd/uglymugs-bench -db "$$BENCH_POSTGRES" -members 100000 -identifiers 1000000 -reports 5000 -out docs/benchmarks.md; \
	else \
	  eval "$$(bash .ci/postgres.sh start)" && \
	  go run ./cmd/uglymugs-bench -db "$$UGLYMUGS_TEST_POSTGRES" -members 100000 -identifiers 1000000 -reports 5000 -out docs/benchmarks.md; \
	  rc=$$?; bash .ci/postgres.sh stop "$$UGLYMUGS_TEST_PGDATA"; exit $$rc; \
	fi
