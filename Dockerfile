# memgate in a container image, for GitLab CI jobs (image: ghcr.io/OWNER/memgate:VERSION) and
# anyone without a build toolchain: docs/install.md. Two stages: the build stage has the
# compiler and the -dev packages; the image ships only memgate and its runtime libraries.
#   docker build -t memgate .
#   docker run --rm -v "$PWD:/work" -w /work memgate memgate check dhat-heap.json
ARG DEBIAN=bookworm

FROM debian:${DEBIAN}-slim AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential cmake pkg-config libjansson-dev libcurl4-openssl-dev libyaml-dev \
      libzstd-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt README.md ./
COPY cmake cmake
COPY include include
COPY src src
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEMGATE_TESTS=OFF \
      -DCMAKE_INSTALL_PREFIX=/usr \
 && cmake --build /build -j"$(nproc)" \
 && DESTDIR=/out cmake --install /build --strip

FROM debian:${DEBIAN}-slim
# The runtime libraries the .deb depends on (dpkg-shlibdeps; tests/install checks this list
# against it), the CA roots for posting over HTTPS, and git for merge bases and commit trailers.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libcurl4 libjansson4 libyaml-0-2 libzstd1 zlib1g ca-certificates git \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/usr/ /usr/
# No ENTRYPOINT: GitLab runs the job's script through the image's shell.
CMD ["memgate", "--help"]
