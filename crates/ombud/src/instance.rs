//! The data directory: the instance secret (never in the database) and, by
//! default, the SQLite database.

use anyhow::{Context, bail};
use ombud_domain::SystemClock;
use ombud_service::{Ombud, ServiceConfig};
use ombud_store::{SqlStore, Store};
use std::path::Path;
use std::sync::Arc;

const SECRET_FILE: &str = "instance.key";
const DATABASE_FILE: &str = "ombud.db";

/// Reads the instance secret, creating it (mode 0600) on first start.
pub fn instance_secret(data: &Path) -> anyhow::Result<[u8; 32]> {
    std::fs::create_dir_all(data).with_context(|| format!("creating data directory {}", data.display()))?;
    restrict(data, 0o700)?;
    let path = data.join(SECRET_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        return decode_hex(text.trim()).with_context(|| format!("{} is damaged", path.display()));
    }
    let secret = ombud_crypto::InstanceKeys::generate_master()?;
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(&path, format!("{hex}\n")).with_context(|| format!("writing {}", path.display()))?;
    restrict(&path, 0o600)?;
    tracing::info!(path = %path.display(), "created the instance secret; back it up: without it no receipt can be looked up");
    Ok(secret)
}

fn restrict(path: &Path, mode: u32) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting permissions on {}", path.display()))?;
    }
    Ok(())
}

fn decode_hex(text: &str) -> anyhow::Result<[u8; 32]> {
    if text.len() != 64 || !text.is_ascii() {
        bail!("expected 64 hexadecimal characters");
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16)?;
    }
    Ok(out)
}

/// Connects the store named by a URL, or the SQLite file in the data directory.
pub async fn open_store(data: &Path, database_url: Option<&str>) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match database_url {
        Some(url)
            if url.starts_with("postgres://") || url.starts_with("postgresql://") || url.starts_with("sqlite:") =>
        {
            Arc::new(SqlStore::connect(url).await.context("connecting to the database")?)
        }
        Some(other) => bail!("unsupported database URL {other:?}: use postgres://… or sqlite:…"),
        None => {
            std::fs::create_dir_all(data)?;
            Arc::new(SqlStore::open(&data.join(DATABASE_FILE)).await.context("opening the embedded database")?)
        }
    })
}

pub async fn open(data: &Path, database_url: Option<&str>, config: ServiceConfig) -> anyhow::Result<Ombud> {
    let secret = instance_secret(data)?;
    let store = open_store(data, database_url).await?;
    Ombud::open(store, Arc::new(SystemClock), &secret, config).await.context("opening the instance")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let first = instance_secret(dir.path()).expect("create");
        assert_eq!(instance_secret(dir.path()).expect("read"), first);
        std::fs::write(dir.path().join(SECRET_FILE), "nonsense").expect("write");
        assert!(instance_secret(dir.path()).is_err());
    }
}
