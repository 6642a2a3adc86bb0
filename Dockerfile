# syntax=docker/dockerfile:1
# Multi-stage build: a static, cgo-free binary (SQLite is pure Go) in a
# distroless image running as a non-root user. Time-zone data is compiled into
# the binary (import time/tzdata), so the office time zone loads without
# /usr/share/zoneinfo.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/ethicsops . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/ethicsops /app/ethicsops
COPY --from=build --chown=65532:65532 /out/data /app/data
USER 65532:65532
ENV ETHICSOPS_ADDR=:8080 \
    ETHICSOPS_DATA_DIR=/app/data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["/app/ethicsops", "healthcheck"]
VOLUME ["/app/data"]
ENTRYPOINT ["/app/ethicsops"]
CMD ["serve"]
