#!/usr/bin/env bash
# Builds ngxdoctor's packages into artifacts/ (or --out DIR) from this checkout, in one step:
#   ngxdoctor-VERSION-linux-ARCH          the self-contained native binary (Native AOT: nothing else needed at run time)
#   ngxdoctor-VERSION-linux-ARCH.tar.gz   the release folder: that binary as ./ngxdoctor beside README.md, docs/ and dist/,
#                                          so the README's first command runs as written where no .NET SDK is
#   ngxdoctor.VERSION.nupkg, ngxdoctor.linux-ARCH.VERSION.nupkg
#                                          the .NET tool (RID-specific, native): dotnet tool install -g ngxdoctor --add-source artifacts/
#   ngxdoctor-image-VERSION-linux-ARCH.tar.gz
#                                          the container image ngxdoctor:VERSION (FROM scratch: the binary and its libraries),
#                                          `docker load` it; built where a Docker engine runs
#   ngxdoctor_VERSION_ARCH.deb             binary, man page ngxdoctor(1) and bash/zsh/fish completions generated from
#                                          the commands' own --help, the watch systemd unit and its settings, docs/causes
# Usage: ./build.sh [--out DIR] [--binary PATH] [--no-image]   (--binary: package an already built native binary, no publish and so
#        no .NET tool package, which dotnet pack builds from the sources)
# Needs the .NET 10 SDK and gcc or clang (for the binary), dpkg-deb and gzip (for the .deb).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/artifacts"; binary=""; image=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    --no-image) image=""; shift ;;
    *) echo "build.sh: unknown argument $1 (see the comment at its top)" >&2; exit 2 ;;
  esac
done
case "$(uname -m)" in
  aarch64|arm64) rid=linux-arm64; arch=arm64 ;;
  *) rid=linux-x64; arch=amd64 ;;
esac
mkdir -p "$out"
given="$binary"
# One line per step on stderr: the native build alone takes minutes.
step() { echo "build.sh: $*" >&2; }
project="$here/src/NgxDoctor.Cli/NgxDoctor.Cli.csproj"
if [ -z "$binary" ]; then
  publish="$(mktemp -d)"; trap 'rm -rf "$publish"' EXIT
  step "native binary for $rid (dotnet publish with Native AOT, a few minutes)"
  dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true -p:NgxDoctorTool=true -o "$publish" -nologo -v q
  binary="$publish/ngxdoctor"
fi
version="$("$binary" --version | sed -n 's/^ngxdoctor \([0-9][0-9.]*\) .*/\1/p')"
[ -n "$version" ] || { echo "build.sh: $binary --version says no version" >&2; exit 1; }
cp "$binary" "$out/ngxdoctor-$version-$rid"
chmod 0755 "$out/ngxdoctor-$version-$rid"

root="$(mktemp -d)"; trap 'rm -rf "$root" "${publish:-}"' EXIT
step "ngxdoctor $version: man page and shell completions from its --help"
install -D -m 0755 "$binary" "$root/usr/bin/ngxdoctor"
"$here/dist/deb/gen-man.sh" "$binary" | gzip -9n > "$root/ngxdoctor.1.gz"
install -D -m 0644 "$root/ngxdoctor.1.gz" "$root/usr/share/man/man1/ngxdoctor.1.gz" && rm "$root/ngxdoctor.1.gz"
"$here/dist/deb/gen-completions.sh" "$binary" "$root"
install -D -m 0644 "$here/dist/systemd/ngxdoctor-watch.service" "$root/lib/systemd/system/ngxdoctor-watch.service"
install -D -m 0644 "$here/dist/systemd/watch.conf" "$root/etc/ngxdoctor/watch.conf"
for f in "$here"/docs/causes/*.md "$here"/docs/watch.md "$here"/docs/diagnose.md "$here"/docs/fix.md; do
  install -D -m 0644 "$f" "$root/usr/share/doc/ngxdoctor/$(basename "$(dirname "$f")" | sed 's/^docs$//')/$(basename "$f")"
done
install -D -m 0644 "$here/dist/deb/copyright" "$root/usr/share/doc/ngxdoctor/copyright"
printf 'ngxdoctor (%s) stable; urgency=medium\n\n  * Built from commit %s.\n\n -- ngxdoctor developers <ngxdoctor@users.noreply.github.com>  %s\n' \
  "$version" "$("$binary" --version | sed -n 's/.*commit \([0-9a-f]*\).*/\1/p')" "$(date -R -u)" | gzip -9n > "$root/changelog.gz"
install -D -m 0644 "$root/changelog.gz" "$root/usr/share/doc/ngxdoctor/changelog.gz" && rm "$root/changelog.gz"
step "Debian package"
mkdir -p "$root/DEBIAN"
install -m 0755 "$here/dist/deb/postrm" "$root/DEBIAN/postrm"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$(du -sk "$root" | cut -f1)/" "$here/dist/deb/control" > "$root/DEBIAN/control"
echo /etc/ngxdoctor/watch.conf > "$root/DEBIAN/conffiles"
(cd "$root" && find usr lib -type f | sort | xargs md5sum > DEBIAN/md5sums)
find "$root" -type d -exec chmod 0755 {} +
deb="$out/ngxdoctor_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
if command -v lintian >/dev/null 2>&1; then lintian --suppress-tags-from-file "$here/dist/deb/lintian-justified" "$deb" || true; fi

step "release folder (README, docs, dist with the Ansible module in dist/ansible/library)"
release="ngxdoctor-$version-$rid"
stage="$(mktemp -d)"; trap 'rm -rf "$root" "$stage" "${publish:-}"' EXIT
mkdir -p "$stage/$release"
install -m 0755 "$binary" "$stage/$release/ngxdoctor"
cp -r "$here/README.md" "$here/docs" "$here/dist" "$stage/$release/"
# The playbooks find the module beside them: the binary itself (Ansible's binary-module protocol).
rm -f "$stage/$release/dist/ansible/library/.keep"
install -m 0755 "$binary" "$stage/$release/dist/ansible/library/ngxdoctor"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$out/$release.tar.gz" "$release"

step "kubectl plugin and its Krew manifest"
# The kubectl plugin (a shell script) and its Krew manifest, with the sha256 of the plugin's archive.
plugin="$(mktemp -d)"
install -m 0755 "$here/dist/kubectl/kubectl-ngxdoctor" "$plugin/kubectl-ngxdoctor"
tar -C "$plugin" --owner=0 --group=0 --numeric-owner -czf "$out/kubectl-ngxdoctor-$version.tar.gz" kubectl-ngxdoctor
rm -rf "$plugin"
sed -e "s/@VERSION@/$version/g" -e "s/@SHA256@/$(sha256sum "$out/kubectl-ngxdoctor-$version.tar.gz" | cut -d' ' -f1)/" \
  "$here/dist/kubectl/ngxdoctor.krew.yaml" | grep -v '^# ' > "$out/ngxdoctor.krew.yaml"

if [ -z "$given" ]; then
  step ".NET tool packages (dotnet pack)"
  dotnet pack "$project" -c Release -r "$rid" -p:PublishAot=true -p:NgxDoctorTool=true -o "$out" -nologo -v q
  dotnet pack "$project" -c Release -p:NgxDoctorTool=true -o "$out" -nologo -v q
else
  echo "build.sh: --binary: no .NET tool package (dotnet pack builds it from the sources)" >&2
fi
if [ -z "$image" ]; then
  :
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  step "container image"
  "$here/dist/image/build-image.sh" "$binary" "ngxdoctor:$version" "$out/ngxdoctor-image-$version-$rid.tar.gz" >/dev/null
else
  echo "build.sh: no Docker engine here: no container image" >&2
fi
ls -l "$out"
