#!/usr/bin/env bash
# Fetches Debian's own nodejs 18 (the Node a Raspberry Pi OS / Debian 12 board runs) for one
# architecture into a cache folder, without touching the system's node or its apt state:
#   tools/node18/fetch-node18.sh [amd64|arm64|armhf]   -> prints the root folder on stdout
# Packages come through apt with a private state folder (lists, archives) and the system's own
# sources, so a foreign architecture needs no `dpkg --add-architecture`. The result is cached:
# a second call costs nothing. Run `<root>/run-node <args>` to start that node (with qemu-user for
# a foreign architecture: apt-get install qemu-user-static).
set -euo pipefail
arch="${1:-$(dpkg --print-architecture)}"
cache="${POS_NODE18_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pos-terminal/node18}"
root="$cache/$arch/root"
if [[ -x "$root/run-node" ]]; then echo "$root"; exit 0; fi

# nodejs 18 and the libraries libnode108 links (Debian 12's Depends); for a foreign architecture the
# C runtime comes along too, since qemu-user loads everything from the root folder.
# node-acorn, node-cjs-module-lexer and node-undici hold JavaScript that Debian's libnode loads at start
# from the absolute path /usr/share/nodejs ("externalized builtins").
packages=(nodejs libnode108 libc-ares2 libuv1 libnghttp2-14 libbrotli1 libicu72 libssl3 zlib1g node-acorn node-cjs-module-lexer node-undici)
native="$(dpkg --print-architecture)"
if [[ "$arch" != "$native" ]]; then packages+=(libc6 libstdc++6 libgcc-s1); fi

apt_state="$cache/$arch/apt"
mkdir -p "$apt_state/lists/partial" "$apt_state/archives/partial" "$cache/$arch/debs"
apt_opts=(-q -o "Dir::State::Lists=$apt_state/lists" -o "Dir::Cache=$apt_state" -o "Dir::Cache::archives=$apt_state/archives"
  -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch" -o "Debug::NoLocking=1")
if ! compgen -G "$apt_state/lists/*_Packages" >/dev/null; then
  echo "node18[$arch]: apt-get update (private lists in $apt_state)" >&2
  apt-get "${apt_opts[@]}" update >&2
fi
version="$(apt-cache "${apt_opts[@]}" policy nodejs | awk '$1 ~ /^18\./ {print $1; exit} $2 ~ /^18\./ {print $2; exit}')"
if [[ -z "$version" ]]; then echo "node18[$arch]: no nodejs 18 in the apt sources (Debian 12 has 18.20.4)" >&2; exit 1; fi
echo "node18[$arch]: downloading nodejs $version and ${#packages[@]} packages" >&2
(cd "$cache/$arch/debs" && apt-get "${apt_opts[@]}" download "nodejs=$version" "${packages[@]:1}" >&2)
tmp="$root.partial"
rm -rf "$tmp" && mkdir -p "$tmp"
for deb in "$cache/$arch/debs"/*.deb; do dpkg-deb -x "$deb" "$tmp"; done
triplet="$(ls "$tmp/usr/lib" | grep -- '-linux-gnu' | head -1)"
if [[ "$arch" == "$native" ]]; then
  # libnode reads /usr/share/nodejs/... by absolute path: a private mount namespace lays this folder's
  # usr/share over the system's (overlayfs, nothing changes outside the namespace). Needs root, as CI
  # is; without it the system must have Debian's node-acorn, node-cjs-module-lexer and node-undici.
  cat >"$tmp/run-node" <<RUN
#!/bin/sh
# Debian's nodejs $version ($arch), libraries from this folder, the system's C runtime.
here="\$(dirname "\$(readlink -f "\$0")")"
export LD_LIBRARY_PATH="\$here/usr/lib/$triplet\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
if [ -z "\$POS_NODE18_IN_NS" ] && [ ! -e /usr/share/nodejs/cjs-module-lexer/lexer.js ]; then
  POS_NODE18_IN_NS=1 exec unshare --mount --propagation private -- "\$0" "\$@"
fi
if [ -n "\$POS_NODE18_IN_NS" ]; then
  unset POS_NODE18_IN_NS
  mount -t overlay overlay -o "lowerdir=\$here/usr/share:/usr/share" /usr/share ||
    { echo "run-node: cannot overlay /usr/share/nodejs (needs root)" >&2; exit 126; }
fi
exec "\$here/usr/bin/node" "\$@"
RUN
else
  qemu="qemu-$(case "$arch" in arm64) echo aarch64;; armhf) echo arm;; *) echo "$arch";; esac)-static"
  cat >"$tmp/run-node" <<RUN
#!/bin/sh
# Debian's nodejs $version ($arch) under qemu-user; every file (C runtime included) from this folder.
here="\$(dirname "\$(readlink -f "\$0")")"
command -v $qemu >/dev/null || { echo "run-node: $qemu is missing: apt-get install qemu-user-static" >&2; exit 127; }
exec $qemu -L "\$here" "\$here/usr/bin/node" "\$@"
RUN
fi
chmod +x "$tmp/run-node"
rm -rf "$root" && mv "$tmp" "$root"
echo "$root"
