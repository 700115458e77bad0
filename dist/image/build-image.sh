#!/bin/sh
# Builds ngxdoctor's container image from local files: BINARY (the native build) and the shared libraries it and the
# TLS probes load (ld.so, libc, libm; libssl, libcrypto and libz when this machine has them), FROM scratch.
# Usage: dist/image/build-image.sh BINARY TAG [SAVE.tar.gz]
set -eu
binary="$1"; tag="$2"; save="${3:-}"
here="$(cd "$(dirname "$0")" && pwd)"
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
copy() {
  for f in "$@"; do
    [ -e "$f" ] || continue
    mkdir -p "$ctx/rootfs$(dirname "$f")"
    cp -L "$f" "$ctx/rootfs$f"
  done
}
install -D -m 0755 "$binary" "$ctx/rootfs/usr/bin/ngxdoctor"
libs=$(ldd "$binary" | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }')
for lib in libssl.so.3 libcrypto.so.3 libz.so.1; do
  libs="$libs $(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64|AArch64/ { print $NF; exit }')"
done
copy $libs
mkdir -p "$ctx/rootfs/tmp" "$ctx/rootfs/etc" "$ctx/rootfs/var/lib/ngxdoctor"
chmod 1777 "$ctx/rootfs/tmp"
printf 'root:x:0:0:root:/root:/usr/bin/ngxdoctor\nnobody:x:65534:65534:nobody:/nonexistent:/usr/bin/ngxdoctor\n' > "$ctx/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$ctx/rootfs/etc/group"
printf 'hosts: files dns\n' > "$ctx/rootfs/etc/nsswitch.conf"
cp "$here/Dockerfile" "$ctx/"
DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$ctx" >/dev/null 2>&1 || docker build -q -t "$tag" "$ctx" >/dev/null
[ -z "$save" ] || docker save "$tag" | gzip -9 > "$save"
echo "$tag"
