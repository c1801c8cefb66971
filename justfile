# Everyday tasks. Nothing here is needed for the two main commands
# (`cargo run`, `scripts/test`); `just` is `cargo install just` or your package manager's.

# Run the server with defaults (./data, 127.0.0.1:3000)
dev:
    cargo run

# Every test, as CI runs them
test:
    scripts/test

# Regenerate Rust types, routes and openapi/openapi.json from lexicons/
lexgen:
    cargo run -p exosphere-lexgen

# Check that the generated code is fresh without writing it
lexgen-check:
    cargo run -q -p exosphere-lexgen -- --check

# Format and lint
fmt:
    cargo fmt --all
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# Optimised binary in target/release/exosphere
release:
    cargo build --release -p exosphere

# Benchmarks (release build; see README): the board under load, and indexer throughput
bench:
    cargo bench -p exosphere --bench feature_requests
    cargo bench -p exosphere --bench indexer

# Only the Jetstream indexer (the API elsewhere with DISABLE_INDEXER=1)
indexer:
    cargo run -- indexer

# Rebuild one Sphere from PDS data: just rebuild at://did:plc:.../site.exosphere.sphere/...
rebuild sphere:
    cargo run -- rebuild --sphere {{sphere}}
