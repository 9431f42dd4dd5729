//! Content-addressed compile cache: in memory (bounded, FIFO eviction) and on disk
//! (one checksummed JSON file per key, written atomically).
//!
//! A disk entry is `FORMAT CHECKSUM\n` then the JSON body, where `CHECKSUM` is SHA-256
//! over the entry's own key (length-prefixed) and the body. The key is bound into the
//! checksum so that an entry moved or copied under another key's file name (by hand, a
//! sync tool, a bad restore) does not verify there and is recompiled instead of being
//! served as the other request's result.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::output::CompileResult;
use crate::request::CompileRequest;

/// Bumped whenever the cached format or the output selection changes.
/// v2: the checksum binds the key (v1 entries are not read, and are recompiled).
const FORMAT: &str = "tsynth-solc-cache v2";

/// The cache key of a request: SHA-256 over the format tag, compiler version, settings
/// and every source (name and content, length-prefixed), as lowercase hex.
pub fn cache_key(compiler_version: &str, request: &CompileRequest) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(FORMAT.as_bytes());
    field(compiler_version.as_bytes());
    let s = &request.settings;
    field(s.evm_version.as_str().as_bytes());
    field(&[u8::from(s.optimize), u8::from(s.via_ir)]);
    field(&s.optimizer_runs.to_le_bytes());
    field(&(request.sources.len() as u64).to_le_bytes());
    for (name, content) in &request.sources {
        field(name.as_bytes());
        field(content.as_bytes());
    }
    hex_lower(&h.finalize())
}

/// The checksum of a disk entry: SHA-256 over the key (length-prefixed) and the body.
fn entry_checksum(key: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update((key.len() as u64).to_le_bytes());
    h.update(key.as_bytes());
    h.update(body);
    hex_lower(&h.finalize())
}

fn hex_lower(bytes: &[u8]) -> String {
    alloy_primitives::hex::encode(bytes)
}

/// In-memory cache with a fixed capacity.
pub(crate) struct MemoryCache {
    capacity: usize,
    inner: Mutex<MemInner>,
}

#[derive(Default)]
struct MemInner {
    map: HashMap<String, Arc<CompileResult>>,
    order: VecDeque<String>,
}

impl MemoryCache {
    pub(crate) fn new(capacity: usize) -> Self {
        MemoryCache {
            capacity,
            inner: Mutex::new(MemInner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn get(&self, key: &str) -> Option<Arc<CompileResult>> {
        self.lock().map.get(key).cloned()
    }

    pub(crate) fn insert(&self, key: &str, value: Arc<CompileResult>) {
        if self.capacity == 0 {
            return;
        }
        let mut g = self.lock();
        if g.map.insert(key.to_owned(), value).is_none() {
            g.order.push_back(key.to_owned());
            while g.order.len() > self.capacity {
                if let Some(old) = g.order.pop_front() {
                    g.map.remove(&old);
                }
            }
        }
    }

    pub(crate) fn clear(&self) {
        let mut g = self.lock();
        g.map.clear();
        g.order.clear();
    }
}

/// Why a disk entry was not used.
#[derive(Debug)]
pub(crate) enum DiskMiss {
    /// No entry.
    Absent,
    /// The entry exists but is damaged (bad header, checksum or JSON) or belongs to
    /// another key.
    Corrupt(String),
}

/// On-disk cache rooted at a directory.
pub(crate) struct DiskCache {
    root: PathBuf,
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl DiskCache {
    pub(crate) fn new(root: PathBuf) -> Self {
        DiskCache { root }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Path of the entry for `key`.
    pub(crate) fn entry_path(&self, key: &str) -> PathBuf {
        let prefix = key.get(..2).unwrap_or("xx");
        self.root.join(prefix).join(format!("{key}.json"))
    }

    pub(crate) fn get(&self, key: &str) -> Result<CompileResult, DiskMiss> {
        let path = self.entry_path(key);
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(DiskMiss::Absent),
            Err(e) => return Err(DiskMiss::Corrupt(format!("cannot read: {e}"))),
        };
        let nl = data
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| DiskMiss::Corrupt("no header line".into()))?;
        let header = std::str::from_utf8(&data[..nl])
            .map_err(|_| DiskMiss::Corrupt("header is not UTF-8".into()))?;
        let body = &data[nl + 1..];
        let expected = header
            .strip_prefix(FORMAT)
            .map(str::trim)
            .ok_or_else(|| DiskMiss::Corrupt(format!("unknown header `{header}`")))?;
        if expected != entry_checksum(key, body) {
            return Err(DiskMiss::Corrupt(
                "checksum mismatch: damaged, or written for another key".into(),
            ));
        }
        serde_json::from_slice(body).map_err(|e| DiskMiss::Corrupt(format!("bad JSON: {e}")))
    }

    /// Write the entry atomically (temporary file in the same directory, then rename).
    pub(crate) fn put(&self, key: &str, value: &CompileResult) -> std::io::Result<()> {
        let path = self.entry_path(key);
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir)?;
        let body = serde_json::to_vec(value).map_err(std::io::Error::other)?;
        let checksum = entry_checksum(key, &body);
        let tmp = dir.join(format!(
            ".{key}.{}.{}.tmp",
            std::process::id(),
            TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(format!("{FORMAT} {checksum}\n").as_bytes())?;
            f.write_all(&body)?;
            f.flush()?;
            drop(f);
            std::fs::rename(&tmp, &path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Settings;

    #[test]
    fn key_depends_on_everything() {
        let base = CompileRequest::single("A.sol", "contract A {}");
        let k = cache_key("0.8.30", &base);
        assert_eq!(k.len(), 64);
        assert_eq!(k, cache_key("0.8.30", &base.clone()));
        assert_ne!(k, cache_key("0.8.29", &base));
        let opt = base.clone().with_settings(Settings::optimized());
        assert_ne!(k, cache_key("0.8.30", &opt));
        assert_ne!(
            k,
            cache_key("0.8.30", &CompileRequest::single("B.sol", "contract A {}"))
        );
        assert_ne!(
            k,
            cache_key("0.8.30", &CompileRequest::single("A.sol", "contract A { }"))
        );
        // Moving bytes between name and content must change the key.
        assert_ne!(
            cache_key("v", &CompileRequest::single("ab", "c")),
            cache_key("v", &CompileRequest::single("a", "bc"))
        );
    }

    fn result(n: usize) -> CompileResult {
        CompileResult {
            contracts: vec![],
            diagnostics: (0..n)
                .map(|i| crate::diagnostics::Diagnostic {
                    severity: crate::diagnostics::Severity::Warning,
                    kind: "Warning".into(),
                    code: None,
                    file: None,
                    line: None,
                    column: None,
                    message: format!("w{i}"),
                })
                .collect(),
        }
    }

    #[test]
    fn entry_copied_under_another_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let disk = DiskCache::new(dir.path().to_path_buf());
        let (a, b) = ("a".repeat(64), "b".repeat(64));
        disk.put(&a, &result(1)).unwrap();
        assert_eq!(disk.get(&a).unwrap().diagnostics.len(), 1);
        assert!(matches!(disk.get(&b), Err(DiskMiss::Absent)));
        std::fs::create_dir_all(disk.entry_path(&b).parent().unwrap()).unwrap();
        std::fs::copy(disk.entry_path(&a), disk.entry_path(&b)).unwrap();
        match disk.get(&b) {
            Err(DiskMiss::Corrupt(why)) => assert!(why.contains("another key"), "{why}"),
            other => panic!("entry of another key was accepted: {:?}", other.map(|_| ())),
        }
        // the original is still good
        assert!(disk.get(&a).is_ok());
    }

    #[test]
    fn memory_cache_evicts_oldest() {
        let m = MemoryCache::new(2);
        let r = Arc::new(CompileResult {
            contracts: vec![],
            diagnostics: vec![],
        });
        m.insert("a", r.clone());
        m.insert("b", r.clone());
        m.insert("c", r);
        assert!(m.get("a").is_none());
        assert!(m.get("b").is_some() && m.get("c").is_some());
    }
}
