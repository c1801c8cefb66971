# One image: the exosphere binary and the built web app; no compiler and no
# Node in the final stage. Build: docker build -t exosphere .   Run: docker compose up

# 1. The web app (Vite), with Node. Only what the build needs is copied.
FROM node:22-bookworm-slim AS web
WORKDIR /src
COPY web/package.json web/package-lock.json web/
COPY web/scripts/install web/scripts/
RUN web/scripts/install
COPY openapi openapi
COPY lexicons lexicons
COPY web web
RUN web/scripts/build

# 2. The server binary.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p exosphere \
 && cp target/release/exosphere /exosphere \
 && mkdir -p /data-empty

# 3. Runtime: distroless (glibc and libgcc only: no shell, no package
#    manager, no compiler, no Node; about 25 MB before our binary), as the
#    non-root user 65532, data in a volume. TLS roots are built into the binary.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /exosphere /usr/local/bin/exosphere
COPY --from=web /src/web/dist /app/web/dist
COPY --from=build --chown=65532:65532 /data-empty /data
USER 65532:65532
WORKDIR /data
ENV EXOSPHERE_BIND=0.0.0.0:3000 \
    EXOSPHERE_DATA_DIR=/data \
    EXOSPHERE_WEB_DIR=/app/web/dist \
    EXOSPHERE_BUILD_WEB=0
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD ["/usr/local/bin/exosphere", "health"]
ENTRYPOINT ["/usr/local/bin/exosphere"]
CMD ["serve"]
