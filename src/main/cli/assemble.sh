#!/bin/sh
# The build's layout (mvn package): target/panamax-cli/{bin,lib}; the dependencies are already in lib
# (dependency:copy-dependencies), the AOT cache follows (execution cli-aot). Arguments: LAYOUT JAR SOURCES.
set -eu
layout=$1 jar=$2 sources=$3
mkdir -p "$layout/bin" "$layout/lib"
rm -f "$layout"/lib/panamax-*.jar "$layout/lib/panamax.aot" "$layout/lib/panamax.aot.jvm" "$layout/lib/java-home"
cp "$jar" "$layout/lib/"
cp "$sources/lib/jvm.options" "$layout/lib/"
cp "$sources/bin/panamax" "$sources/bin/panamax-install" "$layout/bin/"
chmod 755 "$layout/bin/panamax" "$layout/bin/panamax-install"
