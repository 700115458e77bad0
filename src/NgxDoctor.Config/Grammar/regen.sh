#!/bin/sh
# Regenerates directives.tsv from nginx's and the common third-party modules' sources (git mirrors, e.g. the
# search tool's `fetch github:nginx/nginx`). Releases: Debian 12 (1.22.1), Debian 13 (1.26.3), and nginx's head.
set -e
M=${MIRRORS:-/work/.mirror}
cd "$(dirname "$0")"
TP=""
for r in openresty+lua-nginx-module openresty+headers-more-nginx-module nginx+njs openresty+echo-nginx-module \
         google+ngx_brotli leev+ngx_http_geoip2_module openresty+stream-lua-nginx-module vision5+ngx_devel_kit \
         openresty+set-misc-nginx-module FRiCKLE+ngx_cache_purge vozlt+nginx-module-vts aperezdc+ngx-fancyindex \
         arut+nginx-dav-ext-module yaoweibin+ngx_http_substitutions_filter_module; do
    TP="$TP $M/$r/repo"
done
python3 ../../../tools/gen-directives.py "$M/nginx+nginx/repo@release-1.22.1" "$M/nginx+nginx/repo@release-1.26.3" \
    "$M/nginx+nginx/repo" $TP > directives.tsv
