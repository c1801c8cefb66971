# One image: the exosphere binary (and, once it exists, the built web app).
# Build: docker build -t exosphere .   Run: docker compose up

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p exosphere \
 && cp target/release/exosphere /exosphere

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data exosphere \
 && mkdir -p /data && chown exosphere /data
COPY --from=build /exosphere /usr/local/bin/exosphere
USER exosphere
WORKDIR /data
ENV EXOSPHERE_BIND=0.0.0.0:3000 \
    EXOSPHERE_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD ["exosphere", "health"]
ENTRYPOINT ["exosphere"]
CMD ["serve"]
