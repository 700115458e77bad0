#!/bin/sh
# Builds the image the container scenarios run (ngxdoctor-test:local by default) from this machine's own files, with
# `docker import`: nginx, python3 and a shell with the libraries they load. Nothing is pulled from a registry.
# Like the official nginx image, /var/log/nginx/access.log and error.log link to /dev/stdout and /dev/stderr.
set -eu
tag=${1:-ngxdoctor-test:local}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

copy() {
  for f in "$@"; do
    [ -e "$f" ] || continue
    mkdir -p "$root$(dirname "$f")"
    cp -aL "$f" "$root$f"
  done
}

python=$(readlink -f /usr/bin/python3)
# php-fpm for the sidecar scenarios, when this machine has it (its extensions are not needed: -n runs without php.ini).
# mkdir, chmod, rm and dd: what Ansible runs in a target over the community.docker connection (the Ansible scenario);
# unshare and mount: nginx -t's sandbox, for ngxdoctor run inside a container (util-linux is in every Debian image).
for bin in /usr/sbin/nginx "$python" /usr/sbin/php-fpm8.2 /bin/sh /bin/sleep /bin/cat /bin/ls /bin/kill /usr/bin/env /bin/mkdir /bin/chmod /bin/rm /bin/dd /usr/bin/unshare /bin/mount; do
  [ -e "$bin" ] || continue
  copy "$bin"
  ldd "$bin" 2>/dev/null | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }' | while read -r lib; do copy "$lib"; done
done
ln -s "$(basename "$python")" "$root/usr/bin/python3"
pylib=/usr/lib/$(basename "$python")
mkdir -p "$root$pylib"
(cd "$pylib" && tar -c --exclude='./site-packages' --exclude='./dist-packages' --exclude='./test' --exclude='*/__pycache__' --exclude='./ensurepip' --exclude='./idlelib' --exclude='./tkinter' --exclude='./lib2to3' .) | tar -x -C "$root$pylib"
copy "$pylib/lib-dynload"
copy /etc/nginx/mime.types /etc/nginx/fastcgi_params /etc/nginx/uwsgi_params /etc/nginx/scgi_params

mkdir -p "$root/etc" "$root/var/log/nginx" "$root/var/lib/nginx" "$root/run" "$root/tmp" "$root/srv" "$root/dev"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
ln -s /dev/stdout "$root/var/log/nginx/access.log"
ln -s /dev/stderr "$root/var/log/nginx/error.log"
echo ok > "$root/srv/index.html"
tar -C "$root" -c . | docker import -c 'CMD ["/usr/sbin/nginx", "-g", "daemon off;"]' - "$tag" >/dev/null
echo "$tag"
