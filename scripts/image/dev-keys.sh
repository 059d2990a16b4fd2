#!/usr/bin/env bash
# The development signing keys for RAUC bundles (docs/updates.md#keys), made once per checkout under
# out/keys/ and never committed: a CA (its certificate and CRL are the image's keyring) and a signing key it
# certifies. Release builds pass their own: RAUC_KEYRING (CA certificates with their CRLs, PEM) to build-image.sh,
# RAUC_CERT and RAUC_KEY (a PKCS#11 URI works) to build-bundle.sh.
#   scripts/image/dev-keys.sh [DIR]   (default out/keys) → DIR/dev-ca.cert.pem, DIR/dev-signing.{cert,key}.pem,
#   DIR/dev-ca.crl.pem (the CA's revocation list, empty) and DIR/dev-keyring.pem (CA certificate + CRL: the box's keyring)
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")/../.." && pwd)/out/keys}
# No extendedKeyUsage on the signing certificate: RAUC checks signatures for OpenSSL's S/MIME signing purpose
# unless the keyring says check-purpose=codesign, and a codeSigning-only certificate fails that check.
# The box checks bundles against its keyring's CRLs (check-crl=true in /etc/rauc/system.conf), and OpenSSL then
# refuses a chain whose CA has no CRL there: the keyring carries one per CA, here an empty one valid ten years.
crl() {
  cat > ca.cnf <<'CNF'
[ca]
default_ca = dev
[dev]
database = index.txt
crlnumber = crlnumber
default_md = sha256
default_crl_days = 3650
CNF
  touch index.txt; [ -f crlnumber ] || echo 01 > crlnumber
  openssl ca -config ca.cnf -gencrl -keyfile dev-ca.key.pem -cert dev-ca.cert.pem -out dev-ca.crl.pem 2>/dev/null
  cat dev-ca.cert.pem dev-ca.crl.pem > dev-keyring.pem
}
if [ -f "$dir/dev-ca.cert.pem" ] && [ -f "$dir/dev-signing.cert.pem" ] && [ -f "$dir/dev-signing.key.pem" ]; then
  [ -f "$dir/dev-keyring.pem" ] || { cd "$dir" && crl; }
  exit 0
fi
mkdir -p "$dir"; chmod 0700 "$dir"
cd "$dir"
cat > openssl.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[v3_ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -config openssl.cnf -extensions v3_ca \
  -subj "/O=SmartCam development/CN=SmartCam development CA (not for release)" -keyout dev-ca.key.pem -out dev-ca.cert.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -config openssl.cnf \
  -subj "/O=SmartCam development/CN=SmartCam development bundle signing" -keyout dev-signing.key.pem -out dev-signing.csr.pem 2>/dev/null
openssl x509 -req -in dev-signing.csr.pem -CA dev-ca.cert.pem -CAkey dev-ca.key.pem -CAcreateserial -days 1825 \
  -extfile openssl.cnf -extensions v3_leaf -out dev-signing.cert.pem 2>/dev/null
rm -f dev-signing.csr.pem
crl
chmod 0600 ./*.key.pem
echo "dev-keys: made a development CA and signing key in $dir (not for release: docs/updates.md#keys)"
