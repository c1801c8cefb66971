# Everyday tasks. Nothing here is needed for the two main commands
# (`cargo run`, `scripts/test`); `just` is `cargo install just` or your package manager's.

# Run the server with defaults (./data, 127.0.0.1:3000)
run:
    cargo run

# Server on :3000 plus Vite on :5173 with hot reload (open :5173; /xrpc, /oauth proxied); Ctrl-C stops both
dev:
    web/scripts/install >/dev/null
    trap 'kill 0' EXIT; cargo run & (cd web && node_modules/.bin/vite --host 127.0.0.1) & wait

# Build the web app into web/dist
web-build:
    web/scripts/build
# The web app's checks: typed client fresh, types, vitest, build, bundle budget
web-check:
    web/scripts/check

# Browser end-to-end tests (Chromium from Debian; screenshots under target/e2e-screenshots)
e2e:
    cargo nextest run -p exosphere --test browser --no-capture

# Every test, as CI runs them
test:
    scripts/test

# Regenerate Rust types, routes and openapi/openapi.json from lexicons/
lexgen:
    cargo run -p exosphere-lexgen

# Check that the generated code is fresh without writing it
lexgen-check:
    cargo run -q -p exosphere-lexgen -- --check

# Format the Rust code
fmt:
    cargo fmt --all

# Lint Rust (clippy, warnings are errors) and type-check the web app
lint:
    cargo clippy --workspace --all-targets -- -D warnings
    cd web && node_modules/.bin/tsc --noEmit

# Optimised binary in target/release/exosphere
release:
    cargo build --release -p exosphere

# Every benchmark (release build; see README): board, indexer, SSR, load test, footprint
bench:
    cargo bench --workspace --benches

# Only the Jetstream indexer (the API elsewhere with DISABLE_INDEXER=1)
indexer:
    cargo run -- indexer

# Rebuild one Sphere from PDS data: just rebuild at://did:plc:.../site.exosphere.sphere/...
rebuild sphere:
    cargo run -- rebuild --sphere {{sphere}}
