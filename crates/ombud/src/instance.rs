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
    write_private(&path, format!("{hex}\n").as_bytes())?;
    tracing::info!(path = %path.display(), "created the instance secret; back it up: without it no receipt can be looked up");
    Ok(secret)
}

/// Creates a file only its owner can read, with that mode from the first
/// byte (never world-readable, not even for a moment).
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes).with_context(|| format!("writing {}", path.display()))?;
    file.sync_all().with_context(|| format!("writing {}", path.display()))
}

/// The embedded database and its journals are the owner's alone (SQLite
/// gives its WAL and shared-memory files the database file's mode).
fn private_database(path: &Path) -> anyhow::Result<()> {
    if !path.exists() {
        return write_private(path, b"");
    }
    restrict(path, 0o600)?;
    for journal in ["-wal", "-shm"] {
        let side = path.with_file_name(format!("{DATABASE_FILE}{journal}"));
        if side.exists() {
            restrict(&side, 0o600)?;
        }
    }
    Ok(())
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
            let path = data.join(DATABASE_FILE);
            private_database(&path)?;
            Arc::new(SqlStore::open(&path).await.context("opening the embedded database")?)
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

    #[cfg(unix)]
    #[tokio::test]
    async fn the_secret_the_database_and_its_journals_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let data = dir.path().join("data");
        let ombud = open(&data, None, ServiceConfig::default()).await.expect("open");
        ombud.operator().list_staff().await.expect("a write-ahead log in use");
        let mode = |name: &str| std::fs::metadata(data.join(name)).map(|m| m.permissions().mode() & 0o777).ok();
        assert_eq!(mode(SECRET_FILE), Some(0o600));
        assert_eq!(mode(DATABASE_FILE), Some(0o600));
        assert_eq!(mode(""), Some(0o700), "the data directory");
        for journal in ["ombud.db-wal", "ombud.db-shm"] {
            assert!(mode(journal).is_none_or(|m| m == 0o600), "{journal}: {:o}", mode(journal).unwrap_or(0));
        }
        // An older install's world-readable database is closed up at the next start.
        drop(ombud);
        std::fs::set_permissions(data.join(DATABASE_FILE), std::fs::Permissions::from_mode(0o644)).expect("chmod");
        open_store(&data, None).await.expect("reopen");
        assert_eq!(mode(DATABASE_FILE), Some(0o600));
    }
}
