#!/usr/bin/env bash
# Lays out the files Jib adds on top of the base image (its extra directory), for one image:
#   rootfs.sh OUT_DIR DATA_DIR MODE
# MODE "scratch" (the default build, FROM scratch, no registry needed):
#   /opt/java       a Java runtime jlink'd from the JDK running the build (java.home), with the modules below
#   /lib64, /lib/x86_64-linux-gnu (or the build host's arch)
#                   the dynamic loader and the shared libraries that runtime needs, found with ldd on the host
#   /etc            passwd, group (root and nonroot, uid/gid 65532), nsswitch.conf
#   /tmp            mode 777 (Jib's permissions; Jib knows no sticky bit)
# MODE "base" (FROM a registry image that brings its own Java, /etc and /tmp): only DATA_DIR.
# Both modes: DATA_DIR, mode 777 (Jib writes every file as root and cannot give it to uid 65532).
# The JDK's own trust store (lib/security/cacerts) comes with java.base; Java reads no other CA bundle.
set -euo pipefail

out=$1
data_dir=$2
mode=${3:-scratch}
java_home=${JAVA_HOME_FOR_IMAGE:?set to the JDK to jlink from}

# The server's modules: jdeps over the runtime class path (java.desktop for java.beans, java.sql for SQLite,
# java.naming for Spring and gRPC, java.net.http for the JDK HTTP client, jdk.unsupported for Netty and
# protobuf, jdk.jfr for Spring's startup recorder), plus jdk.management (process CPU and memory metrics),
# jdk.crypto.ec, jdk.charsets, jdk.zipfs, jdk.net, jdk.naming.dns and java.instrument.
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming
modules+=,java.net.http,java.prefs,java.scripting,java.sql,java.xml,jdk.charsets,jdk.crypto.ec,jdk.jfr
modules+=,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

rm -rf "$out"
mkdir -p "$out"
mkdir -p "$out$data_dir"

if [ "$mode" = base ]; then
  exit 0
fi
if [ "$mode" != scratch ]; then
  echo "rootfs.sh: unknown mode $mode (scratch or base)" >&2
  exit 2
fi
mkdir -p "$out/tmp"

"$java_home/bin/jlink" --add-modules "$modules" --output "$out/opt/java" \
  --strip-debug --no-header-files --no-man-pages
# jlink links the legal notices of one module to another's; Jib copies what a link points to, do it here
find "$out/opt/java/legal" -type l | while read -r link; do
  cp --remove-destination "$(readlink -f "$link")" "$link"
done

# Every shared library the runtime's binaries load, and those they load (ldd resolves the whole tree), plus
# libgcc_s, which glibc opens by name when a thread unwinds (pthread_exit, pthread_cancel). Not the libraries
# of AWT's X11 and sound back ends: the server runs headless (java.desktop is there for java.beans).
libs=$(find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! -name libawt_xawt.so ! -name libjawt.so ! -name libsplashscreen.so ! -name libjsound.so \
    -exec ldd {} \; 2>/dev/null \
  | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)
# awk reads to the end (an early exit would kill ldconfig with SIGPIPE, fatal under pipefail)
libgcc=$(ldconfig -p | awk '$1 == "libgcc_s.so.1" && $NF ~ /^\// && !found {print $NF; found = 1}')
for lib in $libs $libgcc; do
  case "$lib" in "$out"*) continue ;; esac
  # the loader keeps its path (/lib64/ld-linux-x86-64.so.2 is written into every binary); libraries go into
  # the directory of their real file, which the loader searches by default
  if [[ "$lib" == /lib64/* ]]; then
    dest="$out$lib"
  else
    real=$(readlink -f "$lib")
    dest="$out/lib/$(basename "$(dirname "$real")")/$(basename "$lib")"
  fi
  mkdir -p "$(dirname "$dest")"
  cp -L "$lib" "$dest"
done

mkdir -p "$out/etc"
cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
nonroot:x:65532:
GROUP
cat > "$out/etc/nsswitch.conf" <<'NSS'
passwd: files
group: files
hosts: files dns
NSS
