//! The v2 fake in memory: a core [`HttpTransport`] that hands each request to
//! [`FakeMedusaV2::serve`], no sockets involved.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use medusa_auth_core::{HttpTransport, Sleep, TransportError};

use super::FakeMedusaV2;
use crate::memory::ThreadSleep;

/// A [`HttpTransport`] to a [`FakeMedusaV2`] in the same process. A
/// [`Fault::drop_connection`](crate::Fault::drop_connection) rule comes out as a
/// [`TransportError`] of kind `Other`; a [`Fault::delay`](crate::Fault::delay)
/// waits on the transport's [`Sleep`] ([`ThreadSleep`] unless
/// [`MemoryTransportV2::with_sleep`] says otherwise).
///
/// ```
/// use medusa_auth_core::HttpTransport;
/// use medusa_auth_mock::FakeMedusaV2;
/// let fake = FakeMedusaV2::default();
/// let transport = fake.transport();
/// let request = http::Request::get("http://localhost:9000/health").body(bytes::Bytes::new())?;
/// let answer = futures::executor::block_on(transport.send(request))?;
/// assert_eq!(answer.body(), "OK");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct MemoryTransportV2 {
    fake: FakeMedusaV2,
    sleep: Arc<dyn Sleep>,
}

impl fmt::Debug for MemoryTransportV2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryTransportV2")
            .field("fake", &self.fake)
            .finish_non_exhaustive()
    }
}

impl MemoryTransportV2 {
    /// A transport to `fake`.
    pub fn new(fake: &FakeMedusaV2) -> Self {
        MemoryTransportV2 {
            fake: fake.clone(),
            sleep: Arc::new(ThreadSleep),
        }
    }

    /// Waits of delay faults go through `sleep` (e.g. a tokio one, or
    /// [`InstantSleep`](crate::InstantSleep)).
    pub fn with_sleep(mut self, sleep: impl Sleep) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// The fake behind it.
    pub fn fake(&self) -> &FakeMedusaV2 {
        &self.fake
    }
}

#[async_trait]
impl HttpTransport for MemoryTransportV2 {
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
