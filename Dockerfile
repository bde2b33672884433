# saraban as a container: the service (`saraban serve`) in a small runtime
# image. Everything it needs (fonts, templates, the Garuda, the dictionary,
# agency profiles) is inside the binary; it links only the C library.
#
#   docker build -t saraban .
#   docker run -p 8080:8080 saraban
#
# Several instances on one register: see compose.yaml.

# Build: the toolchain the project is tested with, on the Debian the
# runtime uses, so the binary's C library matches.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin saraban \
 && strip target/release/saraban

# Run: Debian slim, an unprivileged user, the one binary.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/saraban --create-home saraban
COPY --from=build /src/target/release/saraban /usr/local/bin/saraban
USER saraban
WORKDIR /var/lib/saraban
ENV SARABAN_ADDR=0.0.0.0:8080
EXPOSE 8080
# Probes are HTTP (`/healthz` alive, `/readyz` register reachable and room
# in the pool): an orchestrator's HTTP probe needs no tool in the image.
ENTRYPOINT ["saraban"]
CMD ["serve"]
