#!/bin/sh
# Writes the Mosquitto password files (hashed by mosquitto_passwd) from environment variables:
#   <dir>/passwords          simulator, health and the devices (listener 1883)
#   <dir>/bridge-passwords   the bridge (listener 1885)
# Usage: make-passwords.sh [output-dir]   (default /mosquitto/auth)
#   MQTT_BRIDGE_PASSWORD, MQTT_SIMULATOR_PASSWORD, MQTT_HEALTH_PASSWORD  required
#   MQTT_DEVICES   optional, space-separated CODE:password pairs, e.g. "BOX-0001:s3cret BOX-0002:0th3r"
set -eu

dir="${1:-/mosquitto/auth}"
mkdir -p "$dir"
umask 077
devices="$dir/passwords.new"
bridge="$dir/bridge-passwords.new"
rm -f "$devices" "$bridge"

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

mosquitto_passwd -c -b "$bridge" bridge "$MQTT_BRIDGE_PASSWORD"
mosquitto_passwd -c -b "$devices" simulator "$MQTT_SIMULATOR_PASSWORD"
mosquitto_passwd -b "$devices" health "$MQTT_HEALTH_PASSWORD"

count=0
for pair in ${MQTT_DEVICES:-}; do
  code="${pair%%:*}"
  password="${pair#*:}"
  if [ -z "$code" ] || [ "$code" = "$pair" ] || [ -z "$password" ]; then
    echo "make-passwords: MQTT_DEVICES entry '$pair' is not CODE:password" >&2
    exit 1
  fi
  # A device's client id is its code (use_username_as_clientid): bst-* ids belong to the platform's own clients.
  case "$code" in bridge | simulator | health | bst-*)
    echo "make-passwords: device code '$code' is reserved (bridge, simulator, health, bst-*)" >&2
    exit 1
    ;;
  esac
  mosquitto_passwd -b "$devices" "$code" "$password"
  count=$((count + 1))
done

# The broker drops root and reads the files as the mosquitto user.
for file in "$devices" "$bridge"; do
  if id mosquitto >/dev/null 2>&1; then chown mosquitto:mosquitto "$file"; fi
  chmod 0600 "$file"
done
mv "$devices" "$dir/passwords"
mv "$bridge" "$dir/bridge-passwords"
echo "make-passwords: wrote $dir/passwords (simulator, health and $count device(s)) and $dir/bridge-passwords (bridge)"
