# Sourced by ./berth and scripts/*: finds a JDK >= 21 and sets BERTH_JAVA_HOME.
# Order: $JAVA_HOME, `java` on PATH, then the system's JVM directories (newest first):
# BERTH_JVM_DIRS, space-separated, default "/usr/lib/jvm /usr/java /opt/java".

berth_java_major() { # prints the major version of the java binary $1, or nothing
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  v=${v#1.}
  printf '%s' "${v%%.*}"
}

berth_find_jdk() {
  local candidates=() rejected=() dirs=() c d major
  local -A seen=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  read -r -a dirs <<< "${BERTH_JVM_DIRS:-/usr/lib/jvm /usr/java /opt/java}"
  while IFS= read -r c; do
    candidates+=("${c%/}")
  done < <(for d in "${dirs[@]}"; do ls -d "$d"/*/ 2>/dev/null || true; done | sort -rV)
  for c in "${candidates[@]}"; do
    [ -z "${seen[$c]:-}" ] || continue
    seen[$c]=1
    if [ ! -x "$c/bin/java" ] || [ ! -x "$c/bin/javac" ]; then
      rejected+=("$c (no bin/java and bin/javac)")
      continue
    fi
    major=$(berth_java_major "$c/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      BERTH_JAVA_HOME="$c"
      return 0
    fi
    rejected+=("$c (Java ${major:-?})")
  done
  echo "berth: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH, ${dirs[*]})." >&2
  for c in "${rejected[@]}"; do echo "       not usable: $c" >&2; done
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
