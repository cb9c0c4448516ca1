# Multi-stage build of a static plugsim binary. The same image runs a
# coordinator (`run`) or a worker (`worker`) by its arguments:
#   docker build -t plugsim .
#   docker run --rm plugsim run --pairs 100
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/plugsim ./cmd/plugsim

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/plugsim /usr/local/bin/plugsim
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/plugsim"]
CMD ["--help"]
