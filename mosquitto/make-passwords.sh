#!/bin/sh
# Writes the Mosquitto password file (hashed by mosquitto_passwd) from environment variables.
# Usage: make-passwords.sh [output-file]   (default /mosquitto/auth/passwords)
#   MQTT_BRIDGE_PASSWORD, MQTT_SIMULATOR_PASSWORD, MQTT_HEALTH_PASSWORD  required
#   MQTT_DEVICES   optional, space-separated CODE:password pairs, e.g. "BOX-0001:s3cret BOX-0002:0th3r"
set -eu

out="${1:-/mosquitto/auth/passwords}"
mkdir -p "$(dirname "$out")"
tmp="$out.new"
rm -f "$tmp"
umask 077

need() {
  eval "value=\${$1:-}"
  if [ -z "$value" ]; then
    echo "make-passwords: $1 must be set" >&2
    exit 1
  fi
}
need MQTT_BRIDGE_PASSWORD
need MQTT_SIMULATOR_PASSWORD
need MQTT_HEALTH_PASSWORD

mosquitto_passwd -c -b "$tmp" bridge "$MQTT_BRIDGE_PASSWORD"
mosquitto_passwd -b "$tmp" simulator "$MQTT_SIMULATOR_PASSWORD"
mosquitto_passwd -b "$tmp" health "$MQTT_HEALTH_PASSWORD"

count=0
for pair in ${MQTT_DEVICES:-}; do
  code="${pair%%:*}"
  password="${pair#*:}"
  if [ -z "$code" ] || [ "$code" = "$pair" ] || [ -z "$password" ]; then
    echo "make-passwords: MQTT_DEVICES entry '$pair' is not CODE:password" >&2
    exit 1
  fi
  case "$code" in bridge | simulator | health)
    echo "make-passwords: device code '$code' is a reserved user name" >&2
    exit 1
    ;;
  esac
  mosquitto_passwd -b "$tmp" "$code" "$password"
  count=$((count + 1))
done

# The broker drops root and reads the file as the mosquitto user.
if id mosquitto >/dev/null 2>&1; then chown mosquitto:mosquitto "$tmp"; fi
chmod 0600 "$tmp"
mv "$tmp" "$out"
echo "make-passwords: wrote $out (bridge, simulator, health and $count device(s))"
