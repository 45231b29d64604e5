//! The fake in memory: a core [`HttpTransport`] that hands each request to
//! [`FakeMedusa::serve`], no sockets involved.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use medusa_auth_core::{HttpTransport, Sleep, TransportError};

use crate::fake::FakeMedusa;

/// A [`HttpTransport`] to a [`FakeMedusa`] in the same process.
///
/// A core [`Client`](medusa_auth_core::Client) over it does every real step of the
/// SDK (building requests, keeping cookies, retrying, reading answers); only the
/// socket is missing. A [`Fault::drop_connection`](crate::Fault::drop_connection)
/// rule comes out as a [`TransportError`] of kind `Other`; a
/// [`Fault::delay`](crate::Fault::delay) waits on the transport's [`Sleep`]
/// ([`ThreadSleep`] unless [`MemoryTransport::with_sleep`] says otherwise).
///
/// ```
/// use medusa_auth_core::Client;
/// use medusa_auth_mock::FakeMedusa;
/// let fake = FakeMedusa::builder().customer("c@example.com", "pw").build();
/// let client = Client::builder(fake.transport()).base_url("http://shop.test").build()?;
/// let session = client.session();
/// let exists = futures::executor::block_on(async { session.store().exists("c@example.com").await })?;
/// assert!(exists);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct MemoryTransport {
    fake: FakeMedusa,
    sleep: Arc<dyn Sleep>,
}

impl fmt::Debug for MemoryTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryTransport")
            .field("fake", &self.fake)
            .finish_non_exhaustive()
    }
}

impl MemoryTransport {
    /// A transport to `fake`.
    pub fn new(fake: &FakeMedusa) -> Self {
        MemoryTransport {
            fake: fake.clone(),
            sleep: Arc::new(ThreadSleep),
        }
    }

    /// Waits of delay faults go through `sleep` (e.g. a tokio one, or [`InstantSleep`]).
    pub fn with_sleep(mut self, sleep: impl Sleep) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// The fake behind it.
    pub fn fake(&self) -> &FakeMedusa {
        &self.fake
    }
}

#[async_trait]
impl HttpTransport for MemoryTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        self.fake
            .serve(request, &*self.sleep)
            .await
            .map_err(TransportError::other)
    }
}

/// A [`Sleep`] for any executor: a thread waits and then wakes the task. Costs a
/// thread per wait; meant for tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleep;

#[async_trait]
impl Sleep for ThreadSleep {
    async fn sleep(&self, duration: Duration) {
        if duration.is_zero() {
            return;
        }
        let (done, wait) = futures::channel::oneshot::channel::<()>();
        std::thread::spawn(move || {
            std::thread::sleep(duration);
            let _ = done.send(());
        });
        let _ = wait.await;
    }
}

/// A [`Sleep`] that returns at once and records every wait asked of it, to check a
/// client's back-off without waiting for it. Clones share the record.
///
/// ```
/// use std::time::Duration;
/// use medusa_auth_mock::InstantSleep;
/// use medusa_auth_core::Sleep;
/// let sleep = InstantSleep::new();
/// futures::executor::block_on(sleep.sleep(Duration::from_millis(500)));
/// assert_eq!(sleep.waits(), vec![Duration::from_millis(500)]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct InstantSleep {
    waits: Arc<Mutex<Vec<Duration>>>,
}

impl InstantSleep {
    /// No wait recorded yet.
    pub fn new() -> Self {
        InstantSleep::default()
    }

    /// The waits asked for, in order.
    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[async_trait]
impl Sleep for InstantSleep {
    async fn sleep(&self, duration: Duration) {
        self.waits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(duration);
    }
}
