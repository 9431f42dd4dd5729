//! The compiler service: cache lookup, then a native solc or the solc-js worker pool.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use crate::cache::{DiskCache, DiskMiss, MemoryCache, cache_key};
use crate::error::SolcError;
use crate::install;
use crate::native;
use crate::output::{CacheOrigin, CompileOutput, CompileResult, parse_standard_json};
use crate::pool::{Pool, PoolConfig};
use crate::request::CompileRequest;

/// Environment variable overriding the tsynth cache root (the solc cache is `<root>/solc`).
pub const CACHE_ENV: &str = "TSYNTH_CACHE";

/// Whether to use a native `solc` binary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NativeSolc {
    /// `$TSYNTH_SOLC`, else `solc` on PATH, when it reports the pinned version.
    #[default]
    Auto,
    /// Never; always use solc-js workers.
    Off,
    /// This binary, when it reports the pinned version.
    Path(PathBuf),
}

/// How the disk cache is configured.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DiskCacheConfig {
    /// `$TSYNTH_CACHE/solc`, else `$XDG_CACHE_HOME/tsynth/solc`, else `~/.cache/tsynth/solc`.
    #[default]
    Default,
    /// This directory.
    Dir(PathBuf),
    /// No disk cache.
    Off,
}

/// Configuration of a [`Compiler`].
#[derive(Debug, Clone)]
pub struct CompilerConfig {
    /// Number of solc-js workers; `None` = rayon's thread count.
    pub workers: Option<usize>,
    /// Time limit of one compile.
    pub timeout: Duration,
    /// Time limit for a worker to load the compiler.
    pub startup_timeout: Duration,
    /// Disk cache location.
    pub disk_cache: DiskCacheConfig,
    /// Entries kept in the memory cache (0 disables it).
    pub memory_cache_entries: usize,
    /// solc-js project directory; `None` = `$TSYNTH_SOLC_JS_DIR` or `tools/solc-js`.
    pub solc_js_dir: Option<PathBuf>,
    /// Native solc use.
    pub native_solc: NativeSolc,
    /// The `node` program.
    pub node: PathBuf,
}

impl Default for CompilerConfig {
    fn default() -> Self {
        CompilerConfig {
            workers: None,
            timeout: Duration::from_secs(60),
            startup_timeout: Duration::from_secs(60),
            disk_cache: DiskCacheConfig::Default,
            memory_cache_entries: 4096,
            solc_js_dir: None,
            native_solc: NativeSolc::Auto,
            node: PathBuf::from("node"),
        }
    }
}

/// Which compiler backend is in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendKind {
    /// A native binary.
    Native(PathBuf),
    /// solc-js workers.
    SolcJs,
}

enum Backend {
    Native(PathBuf),
    Pool(Pool),
}

/// Counters of a [`Compiler`] since it was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CompilerStats {
    /// Results served from memory.
    pub memory_hits: u64,
    /// Results served from disk.
    pub disk_hits: u64,
    /// Compiles run by a compiler (native or worker).
    pub compiles: u64,
    /// Disk entries found damaged and recompiled.
    pub corrupt_entries: u64,
    /// Workers started (including restarts).
    pub worker_starts: u64,
    /// Requests sent to workers (including retries).
    pub worker_requests: u64,
    /// Workers found dead and replaced.
    pub worker_restarts: u64,
    /// Compiles that timed out.
    pub timeouts: u64,
}

#[derive(Default)]
struct Counters {
    memory_hits: AtomicU64,
    disk_hits: AtomicU64,
    compiles: AtomicU64,
    corrupt: AtomicU64,
}

struct Inner {
    config: CompilerConfig,
    solc_js_dir: PathBuf,
    version: String,
    memory: MemoryCache,
    disk: Option<DiskCache>,
    backend: Mutex<Option<Arc<Backend>>>,
    counters: Counters,
    /// Keys being compiled right now; other requests for the same key wait for them.
    inflight: Mutex<HashMap<String, Arc<InFlight>>>,
}

/// A compile in progress that other threads may wait for.
#[derive(Default)]
struct InFlight {
    done: Mutex<bool>,
    cv: Condvar,
}

impl InFlight {
    fn wait(&self) {
        let mut d = self.done.lock().unwrap_or_else(|p| p.into_inner());
        while !*d {
            d = self.cv.wait(d).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Unregisters an in-flight compile and wakes its waiters, even on panic.
struct LeaderGuard<'a> {
    inner: &'a Inner,
    key: &'a str,
    flight: Arc<InFlight>,
}

impl Drop for LeaderGuard<'_> {
    fn drop(&mut self) {
        self.inner
            .inflight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(self.key);
        *self.flight.done.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.flight.cv.notify_all();
    }
}

/// The compiler service. Cheap to clone (shared state); `Send + Sync`.
#[derive(Clone)]
pub struct Compiler {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Compiler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiler")
            .field("version", &self.inner.version)
            .field("solc_js_dir", &self.inner.solc_js_dir)
            .field("cache_dir", &self.cache_dir())
            .finish_non_exhaustive()
    }
}

fn default_cache_dir() -> PathBuf {
    if let Some(root) = std::env::var_os(CACHE_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(root).join("solc");
    }
    if let Some(xdg) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("tsynth/solc");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join(".cache/tsynth/solc");
    }
    std::env::temp_dir().join("tsynth-cache/solc")
}

static SHARED: OnceLock<Compiler> = OnceLock::new();

impl Compiler {
    /// Create a compiler. This is cheap: it finds the solc-js project and reads the pinned
    /// version; installing solc-js and starting workers happen on the first cache miss.
    pub fn new(config: CompilerConfig) -> Result<Compiler, SolcError> {
        let solc_js_dir = install::locate_solc_js(config.solc_js_dir.as_deref())?;
        let version = install::pinned_version(&solc_js_dir)?;
        let disk = match &config.disk_cache {
            DiskCacheConfig::Default => Some(DiskCache::new(default_cache_dir())),
            DiskCacheConfig::Dir(d) => Some(DiskCache::new(d.clone())),
            DiskCacheConfig::Off => None,
        };
        Ok(Compiler {
            inner: Arc::new(Inner {
                memory: MemoryCache::new(config.memory_cache_entries),
                config,
                solc_js_dir,
                version,
                disk,
                backend: Mutex::new(None),
                counters: Counters::default(),
                inflight: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The process-wide compiler with the default configuration (created on first call).
    pub fn shared() -> Result<&'static Compiler, SolcError> {
        if let Some(c) = SHARED.get() {
            return Ok(c);
        }
        let c = Compiler::new(CompilerConfig::default())?;
        Ok(SHARED.get_or_init(|| c))
    }

    /// The pinned compiler release, e.g. `0.8.30`.
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// The solc-js project directory in use.
    pub fn solc_js_dir(&self) -> &Path {
        &self.inner.solc_js_dir
    }

    /// The disk cache directory, if the disk cache is on.
    pub fn cache_dir(&self) -> Option<&Path> {
        self.inner.disk.as_ref().map(DiskCache::root)
    }

    /// Path of the disk-cache entry for a cache key (whether or not it exists).
    pub fn cache_entry_path(&self, cache_key: &str) -> Option<PathBuf> {
        self.inner.disk.as_ref().map(|d| d.entry_path(cache_key))
    }

    /// The cache key `request` would have.
    pub fn cache_key(&self, request: &CompileRequest) -> String {
        cache_key(&self.inner.version, request)
    }

    /// Drop every memory-cache entry.
    pub fn clear_memory_cache(&self) {
        self.inner.memory.clear();
    }

    /// Counters since creation.
    pub fn stats(&self) -> CompilerStats {
        let c = &self.inner.counters;
        let mut s = CompilerStats {
            memory_hits: c.memory_hits.load(Ordering::Relaxed),
            disk_hits: c.disk_hits.load(Ordering::Relaxed),
            compiles: c.compiles.load(Ordering::Relaxed),
            corrupt_entries: c.corrupt.load(Ordering::Relaxed),
            ..CompilerStats::default()
        };
        if let Some(b) = self.backend_if_started()
            && let Backend::Pool(p) = &*b
        {
            let pc = &p.counters;
            s.worker_starts = pc.starts.load(Ordering::Relaxed);
            s.worker_requests = pc.requests.load(Ordering::Relaxed);
            s.worker_restarts = pc.restarts.load(Ordering::Relaxed);
            s.timeouts = pc.timeouts.load(Ordering::Relaxed);
        }
        s
    }

    /// Process ids of the running solc-js workers.
    pub fn worker_pids(&self) -> Vec<u32> {
        match self.backend_if_started().as_deref() {
            Some(Backend::Pool(p)) => p.pids(),
            _ => Vec::new(),
        }
    }

    /// The backend in use (starting it, which may install solc-js, if needed).
    pub fn backend_kind(&self) -> Result<BackendKind, SolcError> {
        Ok(match &*self.backend()? {
            Backend::Native(p) => BackendKind::Native(p.clone()),
            Backend::Pool(_) => BackendKind::SolcJs,
        })
    }

    /// Start `n` workers now (at most the pool size) instead of on demand.
    pub fn warm_up(&self, n: usize) -> Result<(), SolcError> {
        match &*self.backend()? {
            Backend::Pool(p) => p.warm_up(n),
            Backend::Native(_) => Ok(()),
        }
    }

    /// Stop the idle workers; later compiles start new ones.
    pub fn stop_workers(&self) {
        if let Some(b) = self.backend_if_started()
            && let Backend::Pool(p) = &*b
        {
            p.stop_idle();
        }
    }

    fn backend_if_started(&self) -> Option<Arc<Backend>> {
        self.inner
            .backend
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn backend(&self) -> Result<Arc<Backend>, SolcError> {
        let mut g = self.inner.backend.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = &*g {
            return Ok(b.clone());
        }
        let cfg = &self.inner.config;
        let version = &self.inner.version;
        let native = match &cfg.native_solc {
            NativeSolc::Off => None,
            NativeSolc::Auto => native::detect(None, version),
            NativeSolc::Path(p) => native::detect(Some(p), version),
        };
        let backend = match native {
            Some(p) => Backend::Native(p),
            None => {
                install::ensure_installed(&self.inner.solc_js_dir, version)?;
                let size = cfg
                    .workers
                    .unwrap_or_else(rayon::current_num_threads)
                    .max(1);
                Backend::Pool(Pool::new(PoolConfig {
                    node: cfg.node.clone(),
                    dir: self.inner.solc_js_dir.clone(),
                    version: version.clone(),
                    size,
                    timeout: cfg.timeout,
                    startup_timeout: cfg.startup_timeout,
                }))
            }
        };
        let b = Arc::new(backend);
        *g = Some(b.clone());
        Ok(b)
    }

    /// Compile `request`: from the memory cache, else the disk cache, else with solc.
    /// Errors in the sources give [`SolcError::Compile`] with the diagnostics.
    pub fn compile(&self, request: &CompileRequest) -> Result<CompileOutput, SolcError> {
        let key = self.cache_key(request);
        let (result, origin) = self.lookup_or_compile(&key, request)?;
        CompileResult::clone(&result).into_output(origin, key, self.inner.version.clone())
    }

    /// Memory cache, else wait for a compile of the same key already running in this
    /// process, else become the one that looks on disk and compiles.
    fn lookup_or_compile(
        &self,
        key: &str,
        request: &CompileRequest,
    ) -> Result<(Arc<CompileResult>, CacheOrigin), SolcError> {
        let inner = &self.inner;
        loop {
            if let Some(r) = inner.memory.get(key) {
                inner.counters.memory_hits.fetch_add(1, Ordering::Relaxed);
                return Ok((r, CacheOrigin::Memory));
            }
            let flight = {
                let mut map = inner.inflight.lock().unwrap_or_else(|p| p.into_inner());
                match map.get(key) {
                    Some(f) => Err(f.clone()),
                    None => {
                        let f = Arc::new(InFlight::default());
                        map.insert(key.to_owned(), f.clone());
                        Ok(f)
                    }
                }
            };
            match flight {
                // Someone else is compiling this key: wait, then look again (if they
                // failed, this thread tries itself).
                Err(other) => other.wait(),
                Ok(flight) => {
                    let _guard = LeaderGuard { inner, key, flight };
                    // The memory cache may have been filled between the check and the
                    // registration.
                    if let Some(r) = inner.memory.get(key) {
                        inner.counters.memory_hits.fetch_add(1, Ordering::Relaxed);
                        return Ok((r, CacheOrigin::Memory));
                    }
                    return self.disk_or_compile(key, request);
                }
            }
        }
    }

    fn disk_or_compile(
        &self,
        key: &str,
        request: &CompileRequest,
    ) -> Result<(Arc<CompileResult>, CacheOrigin), SolcError> {
        let inner = &self.inner;
        if let Some(disk) = &inner.disk {
            match disk.get(key) {
                Ok(r) => {
                    inner.counters.disk_hits.fetch_add(1, Ordering::Relaxed);
                    let r = Arc::new(r);
                    inner.memory.insert(key, r.clone());
                    return Ok((r, CacheOrigin::Disk));
                }
                Err(DiskMiss::Corrupt(why)) => {
                    inner.counters.corrupt.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(
                        "damaged compile-cache entry {} ({why}); recompiling",
                        disk.entry_path(key).display()
                    );
                }
                Err(DiskMiss::Absent) => {}
            }
        }
        let input = request.standard_json();
        let output = match &*self.backend()? {
            Backend::Native(p) => native::compile(p, &input, inner.config.timeout)?,
            Backend::Pool(pool) => pool.compile(&input)?,
        };
        inner.counters.compiles.fetch_add(1, Ordering::Relaxed);
        let result = Arc::new(parse_standard_json(&output, &request.sources)?);
        inner.memory.insert(key, result.clone());
        if let Some(disk) = &inner.disk
            && let Err(e) = disk.put(key, &result)
        {
            tracing::warn!(
                "cannot write compile-cache entry {}: {e}",
                disk.entry_path(key).display()
            );
        }
        Ok((result, CacheOrigin::Compiled))
    }
}
