//! The state every request shares: the workspace's path, a small pool of read connections, the
//! one writer and the background refresh of the stored analysis.
//!
//! SQLite in WAL mode lets readers go on while one writer writes. Requests never hold a
//! connection across an `.await`: a read takes a connection from the pool on a blocking
//! thread, answers and puts it back; a write takes the writer's lock on a blocking thread.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use kundenwert_store::{Store, StoreError};
use kundenwert_workbench::{Freshness, Workbench, WorkbenchError};

use crate::auth::Throttle;
use crate::error::AppError;

/// Connections kept for reading; more concurrent readers open their own and drop it after.
const READERS_KEPT: usize = 4;

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The workspace cannot be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The workbench failed.
    #[error(transparent)]
    Workbench(#[from] WorkbenchError),
    /// The address cannot be bound or serving failed.
    #[error("`{address}`: {source}")]
    Bind {
        /// The address.
        address: String,
        /// Why.
        source: std::io::Error,
    },
}

/// What the background refresh is doing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RefreshState {
    /// Nothing.
    #[default]
    Idle,
    /// Recomputing the stored analysis.
    Running,
    /// The last refresh failed (the message, English, for the log and the admin).
    Failed(String),
}

/// The state shared by all requests (cheap to clone).
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    secure_cookies: bool,
    readers: Mutex<Vec<Workbench<Store>>>,
    writer: Mutex<Workbench<Store>>,
    refresh: Mutex<RefreshState>,
    throttle: Mutex<Throttle>,
}

impl AppState {
    /// Opens the workspace at `path` (created and migrated when new).
    ///
    /// # Errors
    /// When the workspace cannot be opened.
    pub fn open(path: &Path, secure_cookies: bool) -> Result<AppState, ServerError> {
        // The writer opens first: it creates the file and applies the migrations.
        let writer = Workbench::new(Store::open(path)?);
        Ok(AppState(Arc::new(Inner {
            path: path.to_owned(),
            secure_cookies,
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(writer),
            refresh: Mutex::new(RefreshState::Idle),
            throttle: Mutex::new(Throttle::default()),
        })))
    }

    /// The workspace file.
    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// Whether the session cookie is marked `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.0.secure_cookies
    }

    /// Runs `f` with a read connection on a blocking thread. (`&mut` because even reading
    /// may note a session's last use; such small writes wait for the writer in SQLite.)
    ///
    /// # Errors
    /// What `f` returns, or an internal error when the connection cannot be opened.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Workbench<Store>) -> Result<T, AppError> + Send + 'static,
    {
        let state = self.clone();
        blocking(move || {
            let mut bench = match lock(&state.0.readers).pop() {
                Some(bench) => bench,
                None => Workbench::new(Store::open(&state.0.path).map_err(AppError::internal)?),
            };
            let result = f(&mut bench);
            let mut readers = lock(&state.0.readers);
            if readers.len() < READERS_KEPT {
                readers.push(bench);
            }
            result
        })
        .await
    }

    /// Runs `f` with the writer on a blocking thread (one writer at a time).
    ///
    /// # Errors
    /// What `f` returns.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Workbench<Store>) -> Result<T, AppError> + Send + 'static,
    {
        let state = self.clone();
        blocking(move || f(&mut lock(&state.0.writer))).await
    }

    /// What the background refresh is doing.
    pub fn refresh_state(&self) -> RefreshState {
        lock(&self.0.refresh).clone()
    }

    /// Starts bringing the stored analysis up to date on its own thread, unless a refresh runs
    /// already or the analysis is current. Readers go on reading the stored analysis meanwhile.
    pub fn refresh_in_background(&self) {
        {
            let mut refresh = lock(&self.0.refresh);
            if *refresh == RefreshState::Running {
                return;
            }
            *refresh = RefreshState::Running;
        }
        let state = self.clone();
        std::thread::spawn(move || {
            // Its own connection: the refresh reads for long and must not hold the writer's
            // lock meanwhile; SQLite serialises its final write with the others.
            let outcome = Store::open(&state.0.path)
                .map_err(kundenwert_workbench::WorkbenchError::from)
                .and_then(|store| {
                    let mut bench = Workbench::new(store);
                    match bench.freshness() {
                        Ok(Freshness::Current | Freshness::Empty) => Ok(()),
                        Ok(_) => bench.refresh(&mut |_| {}).map(|_| ()),
                        Err(e) => Err(e),
                    }?;
                    // The customer pages' invoice lines: an import dropped their index.
                    bench.index_customer_lines().map(|_| ())
                });
            *lock(&state.0.refresh) = match outcome {
                Ok(()) => RefreshState::Idle,
                Err(e) => {
                    eprintln!("kundenwert serve: refresh failed: {e}");
                    RefreshState::Failed(e.to_string())
                }
            };
        });
    }

    /// The login throttle.
    pub(crate) fn throttle(&self) -> MutexGuard<'_, Throttle> {
        lock(&self.0.throttle)
    }
}

/// A lock that a panic elsewhere did not poison for good: the data behind these locks stay
/// consistent (connections, counters), so the next request may use them.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `f` on the blocking pool.
async fn blocking<T, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(AppError::internal(e)))
}
