//! [`TokioSleep`]: the core's [`Sleep`] on tokio's timer, for retry back-off.

use std::time::Duration;

use async_trait::async_trait;
use medusa_auth_core::Sleep;

/// Waits with [`tokio::time::sleep`].
///
/// [`Client::builder`](crate::Client::builder) plugs it in by itself;
/// pass it to [`medusa_auth_core::ClientBuilder::sleep`] when building a core client
/// by hand. Outside a tokio runtime it returns at once rather than panic.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use medusa_auth_hyper::Sleep as _;
/// medusa_auth_hyper::TokioSleep.sleep(Duration::from_millis(1)).await;
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

#[async_trait]
impl Sleep for TokioSleep {
    async fn sleep(&self, duration: Duration) {
        if tokio::runtime::Handle::try_current().is_ok() {
            tokio::time::sleep(duration).await;
        }
    }
}
