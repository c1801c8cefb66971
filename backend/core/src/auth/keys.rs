//! The confidential client's ES256 signing key: created once in the data
//! dir, then reused so the published JWKS stays stable across restarts.

use std::path::Path;

use anyhow::Context;
use jose_jwk::{Jwk, Key, Parameters};

/// File name of the private key inside the data dir. Keep it secret.
pub const KEY_FILE: &str = "oauth-signing-key.jwk.json";

/// Loads the key, creating it (mode 0600) on first use.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Jwk> {
    let path = data_dir.join(KEY_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        return serde_json::from_str(&text).with_context(|| format!("{} is not a JWK", path.display()));
    }
    crate::private_files::create_dir(data_dir)?;
    let secret = p256::SecretKey::random(&mut rand::thread_rng());
    let key = Key::from(&jose_jwk::crypto::Key::from(secret));
    let kid = format!("exosphere-{}", chrono::Utc::now().format("%Y%m%d%H%M%S"));
    let jwk = Jwk { key, prm: Parameters { kid: Some(kid), ..Default::default() } };
    let text = serde_json::to_string_pretty(&jwk)?;
    crate::private_files::create_new(&path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()))
        .with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "created the OAuth signing key");
    Ok(jwk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_and_then_reused() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let first = load_or_create(dir.path())?;
        let second = load_or_create(dir.path())?;
        assert_eq!(first, second);
        assert!(first.prm.kid.is_some());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))?.permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        Ok(())
    }
}
