# Sourced by ./jmvn and ./lshsmile: finds the newest JDK >= $min (default 22) on this machine.
# Order: JAVA_HOME if it is >= $min, else the newest JDK >= $min under the usual JDK directories.
# Defines major_of DIR (feature version of the JDK at DIR, or nothing) and pick_jdk (prints a JDK home, or nothing).
: "${min:=22}"

major_of() { # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release" v
  [ -x "$1/bin/javac" ] || return 0
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$rel" | head -n 1)
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1)
  fi
  [ "${v:-}" = 1 ] && v=8
  echo "${v:-}"
}

pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ]; then
    local v; v=$(major_of "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$min" ]; then echo "$JAVA_HOME"; return; fi
  fi
  local best="" bestv=0 d v
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/*jdk* /usr/local/*jdk* \
           "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.local/share/jdks/*; do
    [ -d "$d" ] || continue
    v=$(major_of "$d")
    if [ -n "$v" ] && [ "$v" -ge "$min" ] && [ "$v" -gt "$bestv" ]; then best="$d"; bestv="$v"; fi
  done
  echo "$best"
}
