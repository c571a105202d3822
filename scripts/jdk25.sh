# Sourced by ./blocksim, ./mvn25 and .ci/run: exports JAVA_HOME pointing at a JDK 25 or newer
# (these machines' default java is 17), and quiets Maven's own warnings on that JDK.
blocksim_is_jdk25() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] && "$1/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'
}

blocksim_find_jdk25() {
  local d
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/*25*; do
    if blocksim_is_jdk25 "$d"; then
      export JAVA_HOME="$d"
      # Maven's bundled Guava touches sun.misc.Unsafe; JDK 25 warns about it on every run.
      export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
      return 0
    fi
  done
  return 1
}
