# Sourced by ./berth and scripts/*: finds a JDK >= 21 and sets BERTH_JAVA_HOME.
# Order: $JAVA_HOME, `java` on PATH, then the system's JVM directory (newest first).

berth_java_major() { # prints the major version of the java binary $1, or nothing
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  v=${v#1.}
  printf '%s' "${v%%.*}"
}

berth_find_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/*/ /usr/java/*/ /opt/java/*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(berth_java_major "$c/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      BERTH_JAVA_HOME="$c"
      return 0
    fi
  done
  echo "berth: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm)." >&2
  echo "       Install one, e.g.: apt-get install openjdk-21-jdk-headless   (or set JAVA_HOME)" >&2
  return 1
}

# Maven's own libraries trip JDK 24+'s sun.misc.Unsafe warnings; they are noise for our users.
berth_maven_opts() {
  local major
  major=$(berth_java_major "$BERTH_JAVA_HOME/bin/java")
  if [ "$major" -ge 24 ] 2>/dev/null; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}
