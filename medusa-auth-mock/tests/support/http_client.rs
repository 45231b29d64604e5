//! A minimal test-only `HttpTransport` over hyper-util's legacy client (plain HTTP
//! only), to reach the loopback fake as a real SDK transport would.
#![allow(dead_code)]

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use medusa_auth_core::{HttpTransport, TransportError};

/// The largest response read.
const MAX_RESPONSE: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub struct HyperTestTransport {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl HyperTestTransport {
    pub fn new() -> Self {
        HyperTestTransport {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }
}

#[async_trait]
impl HttpTransport for HyperTestTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let response = self
            .client
            .request(request.map(Full::new))
            .await
            .map_err(|error| {
                if error.is_connect() {
                    TransportError::connect(error)
                } else {
                    TransportError::other(error)
                }
            })?;
        let (parts, body) = response.into_parts();
        let body = Limited::new(body, MAX_RESPONSE)
            .collect()
            .await
            .map_err(TransportError::other)?
            .to_bytes();
        Ok(http::Response::from_parts(parts, body))
    }
}
