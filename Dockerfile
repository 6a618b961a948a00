# skflow worker and CLI for production. Build: docker build -t skflow .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/worker ./worker && \
    CGO_ENABLED=0 go build -trimpath -o /out/starter ./starter

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata && rm -rf /var/lib/apt/lists/* && \
    useradd --system --home /var/lib/skflow --create-home skflow
COPY --from=build /out/worker /out/starter /usr/local/bin/
USER skflow
WORKDIR /var/lib/skflow
ENV SKFLOW_DATA_DIR=/var/lib/skflow
ENTRYPOINT ["worker"]
