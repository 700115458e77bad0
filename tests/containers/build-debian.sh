#!/bin/sh
# Builds the "fresh Debian 12 machine" of the install scenarios, from Debian's own packages (debootstrap, as test.sh's
# apt-get does; no registry pull): image ngxdoctor-debian:local, a minbase root with empty apt lists and no sudo, and
# ngxdoctor-debian-sudo:local, the same with sudo and a user `ops` in group sudo. Their apt source is the local
# repository REPO (default .build/debian-repo; mounted at /srv/debian-repo by the scenarios): the packages the README's
# first command installs (nginx, python3; iproute2, which the .deb recommends; sudo) with their dependencies, so the
# containers run with no network at all.
# Usage: tests/containers/build-debian.sh [REPO]
set -eu
here="$(cd "$(dirname "$0")/../.." && pwd)"
repo="${1:-$here/.build/debian-repo}"
suite=bookworm
mirror="${NGXDOCTOR_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 || { tail -5 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"

rm -rf "$repo"; mkdir -p "$repo/partial"
apt-get -qq -o Dir::State::status="$root/var/lib/dpkg/status" -o Dir::Cache::archives="$repo" -o Debug::NoLocking=1 \
  --download-only -y install nginx python3 iproute2 sudo >/dev/null
rmdir "$repo/partial" 2>/dev/null || true
(cd "$repo" && dpkg-scanpackages -m . 2>/dev/null > Packages)

echo 'deb [trusted=yes] file:/srv/debian-repo ./' > "$root/etc/apt/sources.list"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
mkdir -p "$root/srv/debian-repo"
tar -C "$root" -c . | docker import -c 'CMD ["/bin/bash"]' - ngxdoctor-debian:local >/dev/null

id=$(docker run -d --network none -v "$repo:/srv/debian-repo:ro" ngxdoctor-debian:local sh -c \
  'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo >/dev/null && useradd -m -s /bin/bash -G sudo ops &&
   echo "ops ALL=(ALL:ALL) NOPASSWD: ALL" > /etc/sudoers.d/ops && chmod 0440 /etc/sudoers.d/ops && rm -rf /var/lib/apt/lists/*')
rc=$(docker wait "$id")
[ "$rc" = 0 ] || { docker logs "$id" >&2; docker rm -f "$id" >/dev/null; exit 1; }
docker commit -c 'USER ops' -c 'WORKDIR /home/ops' "$id" ngxdoctor-debian-sudo:local >/dev/null
docker rm -f "$id" >/dev/null
echo ngxdoctor-debian:local ngxdoctor-debian-sudo:local
