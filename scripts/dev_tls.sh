#!/usr/bin/env bash
# Creates a development CA and a certificate for each Outreach identity,
# for running the suite with mutual TLS on a laptop:
#
#   scripts/dev_tls.sh [DIR]        (default .outreach/tls)
#
# DIR/ca.crt, and DIR/<identity>.crt + DIR/<identity>.key for admin, editor,
# viewer, confidential-reader, events, participants, recommendations,
# gateway and web. Each certificate names its identity as the URI SAN
# spiffe://outreach.local/<identity> (what the services authorize) and
# carries the SANs localhost and 127.0.0.1 (what clients check the server
# against). Also DIR/jwt-signing.key and DIR/jwt-signing.pub, an ES256 key
# pair for development bearer tokens.
#
# Files that exist and are valid for another day are kept; the CA key
# never leaves DIR. Development only: production certificates come from
# cert-manager (deploy/README.md).
set -euo pipefail
dir=${1:-${OUTREACH_DATA_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.outreach}/tls}
identities=(admin editor viewer confidential-reader events participants recommendations gateway web)
days=${OUTREACH_TLS_DAYS:-825}
mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"

valid() { [ -f "$1" ] && openssl x509 -in "$1" -noout -checkend 86400 >/dev/null 2>&1; }

if ! valid ca.crt || [ ! -f ca.key ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout ca.key -out ca.crt -days "$days" -subj "/O=Outreach/CN=Outreach development CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  # A new CA invalidates every certificate signed by the old one.
  for id in "${identities[@]}"; do rm -f "$id.crt" "$id.key"; done
fi

for id in "${identities[@]}"; do
  if valid "$id.crt" && [ -f "$id.key" ] &&
     openssl verify -CAfile ca.crt "$id.crt" >/dev/null 2>&1; then
    continue
  fi
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$id.key" -out "$id.csr" -subj "/O=Outreach/CN=$id" 2>/dev/null
  openssl x509 -req -in "$id.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
    -out "$id.crt" -days "$days" -extfile <(printf '%s\n' \
      "subjectAltName=URI:spiffe://outreach.local/$id,DNS:localhost,IP:127.0.0.1" \
      "extendedKeyUsage=serverAuth,clientAuth" \
      "keyUsage=critical,digitalSignature") 2>/dev/null
  rm -f "$id.csr"
done

if [ ! -f jwt-signing.key ] || [ ! -f jwt-signing.pub ]; then
  openssl ecparam -name prime256v1 -genkey -noout -out jwt-signing.key
  openssl ec -in jwt-signing.key -pubout -out jwt-signing.pub 2>/dev/null
fi
chmod 600 ./*.key
