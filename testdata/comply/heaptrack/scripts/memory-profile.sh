#!/bin/sh
# heaptrack is installed by the CI image
set -e
cargo build --release
heaptrack --output memory.heaptrack target/release/ht
