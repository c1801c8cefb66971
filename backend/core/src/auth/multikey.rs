//! The public keys of DID documents (atproto's `#atproto` verification
//! method) and the signature checks of atproto's two curves: secp256k1
//! (`ES256K`) and NIST P-256 (`ES256`).

use k256::ecdsa::signature::Verifier;

/// Multicodec prefixes (varint) of compressed public keys in a `Multikey`.
const SECP256K1_PUB: [u8; 2] = [0xe7, 0x01];
const P256_PUB: [u8; 2] = [0x80, 0x24];

/// A verification key of one of atproto's curves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    K256(k256::ecdsa::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// The key of a verification method: `Multikey` (multicodec-prefixed,
    /// compressed, base58btc), or the legacy `EcdsaSecp256k1VerificationKey2019`
    /// and `EcdsaSecp256r1VerificationKey2019` (the curve named by the type).
    pub fn from_method(kind: &str, multibase: &str) -> Option<Self> {
        let (_, bytes) = multibase::decode(multibase).ok()?;
        match kind {
            "Multikey" => {
                if let Some(key) = bytes.strip_prefix(&SECP256K1_PUB) {
                    k256::ecdsa::VerifyingKey::from_sec1_bytes(key).ok().map(Self::K256)
                } else if let Some(key) = bytes.strip_prefix(&P256_PUB) {
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(key).ok().map(Self::P256)
                } else {
                    None
                }
            }
            "EcdsaSecp256k1VerificationKey2019" => {
                k256::ecdsa::VerifyingKey::from_sec1_bytes(&bytes).ok().map(Self::K256)
            }
            "EcdsaSecp256r1VerificationKey2019" => {
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&bytes).ok().map(Self::P256)
            }
            _ => None,
        }
    }

    /// The `publicKeyMultibase` of this key as a `Multikey`.
    pub fn multikey(&self) -> String {
        let mut bytes = Vec::with_capacity(35);
        match self {
            Self::K256(key) => {
                bytes.extend_from_slice(&SECP256K1_PUB);
                bytes.extend_from_slice(key.to_encoded_point(true).as_bytes());
            }
            Self::P256(key) => {
                bytes.extend_from_slice(&P256_PUB);
                bytes.extend_from_slice(key.to_encoded_point(true).as_bytes());
            }
        }
        multibase::encode(multibase::Base::Base58Btc, bytes)
    }

    /// Whether `signature` (64 bytes, r || s, low-S as atproto requires) of
    /// `message` verifies with this key under the JWT algorithm `alg`.
    pub fn verifies(&self, alg: &str, message: &[u8], signature: &[u8]) -> bool {
        match (self, alg) {
            (Self::K256(key), "ES256K") => k256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| sig.normalize_s().is_none() && key.verify(message, &sig).is_ok()),
            (Self::P256(key), "ES256") => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| sig.normalize_s().is_none() && key.verify(message, &sig).is_ok()),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use k256::ecdsa::signature::Signer;

    use super::*;

    #[test]
    fn keys_of_both_curves_round_trip_and_verify_only_their_own_signatures() {
        let k = k256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
        let p = p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
        let k_pub = PublicKey::K256(*k.verifying_key());
        let p_pub = PublicKey::P256(*p.verifying_key());
        assert!(k_pub.multikey().starts_with("zQ3s"), "{}", k_pub.multikey());
        assert!(p_pub.multikey().starts_with("zDna"), "{}", p_pub.multikey());
        assert_eq!(PublicKey::from_method("Multikey", &k_pub.multikey()), Some(k_pub.clone()));
        assert_eq!(PublicKey::from_method("Multikey", &p_pub.multikey()), Some(p_pub.clone()));
        let message = b"header.payload";
        let k_sig: k256::ecdsa::Signature = k.sign(message);
        let p_sig: p256::ecdsa::Signature = p.sign(message);
        let p_sig = p_sig.normalize_s().unwrap_or(p_sig);
        assert!(k_pub.verifies("ES256K", message, &k_sig.to_bytes()));
        assert!(p_pub.verifies("ES256", message, &p_sig.to_bytes()));
        assert!(!k_pub.verifies("ES256K", b"header.payloaD", &k_sig.to_bytes()), "another message");
        assert!(!k_pub.verifies("ES256", message, &k_sig.to_bytes()), "the wrong algorithm");
        assert!(!p_pub.verifies("ES256K", message, &p_sig.to_bytes()));
        assert!(!k_pub.verifies("ES256K", message, &p_sig.to_bytes()), "another key");
        assert!(!k_pub.verifies("ES256K", message, &k_sig.to_bytes()[..63]), "a short signature");
    }

    #[test]
    fn high_s_signatures_are_refused() {
        let p = p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
        let key = PublicKey::P256(*p.verifying_key());
        let sig: p256::ecdsa::Signature = p.sign(b"m");
        let low = sig.normalize_s().unwrap_or(sig);
        let (r, s) = low.split_scalars();
        let high = p256::ecdsa::Signature::from_scalars(r, -*s).map(|s| s.to_bytes());
        assert!(key.verifies("ES256", b"m", &low.to_bytes()));
        assert!(high.is_ok_and(|high| !key.verifies("ES256", b"m", &high)), "the same signature, high-S");
    }

    #[test]
    fn the_specs_example_keys_parse() {
        // From the atproto cryptography spec's examples.
        for (kind, key) in [
            ("Multikey", "zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF"),
            ("Multikey", "zDnaembgSGUhZULN2Caob4HLJPaxBh92N7rtH21TErzqf8HQo"),
        ] {
            assert!(PublicKey::from_method(kind, key).is_some(), "{key}");
        }
        assert_eq!(
            PublicKey::from_method(
                "Multikey",
                "z2J9gaYxrKVpdoG9A4gRnmpnRCcxU6agDtFVVBVdn1JedouoZN7SzcyREXXzWgt3gGiwpoHq7K68X4m32D8HgzG8wv3sY5j7"
            ),
            None
        );
        assert_eq!(
            PublicKey::from_method(
                "Ed25519VerificationKey2020",
                "zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF"
            ),
            None
        );
        assert_eq!(PublicKey::from_method("Multikey", "not multibase"), None);
    }
}
