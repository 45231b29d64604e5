//! TLS: which root certificates are trusted, and the rustls configuration.
//!
//! By default the Mozilla roots bundled by `webpki-roots` are trusted (with the
//! `native-roots` feature: the platform's roots instead). Extra roots, such as a
//! private CA or a test's self-signed certificate, are added with
//! [`Certificate`]. The crypto provider is always rustls' `ring`, chosen explicitly
//! so that no process-wide default provider is needed.

use std::fmt;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::{self, PemObject as _};
use rustls::{ClientConfig, RootCertStore};

/// A root certificate to trust, in addition to (or instead of) the built-in ones.
///
/// Checked when made: a value of this type is always a usable X.509 trust anchor,
/// so adding it to a builder cannot fail later.
///
/// ```
/// use medusa_auth_hyper::Certificate;
/// assert!(Certificate::from_der(b"not a certificate".to_vec()).is_err());
/// assert!(Certificate::from_pem(b"no PEM here").is_err());
/// ```
#[derive(Clone)]
pub struct Certificate {
    der: CertificateDer<'static>,
}

impl Certificate {
    /// A certificate in DER form.
    pub fn from_der(der: impl Into<Vec<u8>>) -> Result<Self, CertificateError> {
        let der = CertificateDer::from(der.into());
        RootCertStore::empty()
            .add(der.clone())
            .map_err(CertificateError::Invalid)?;
        Ok(Certificate { der })
    }

    /// The first `CERTIFICATE` of PEM data (other sections are skipped).
    pub fn from_pem(pem: &[u8]) -> Result<Self, CertificateError> {
        match CertificateDer::from_pem_slice(pem) {
            Ok(der) => Certificate::from_der(der.to_vec()),
            Err(pem::Error::NoItemsFound) => Err(CertificateError::NoCertificate),
            Err(error) => Err(CertificateError::Pem(error)),
        }
    }

    /// Every `CERTIFICATE` of PEM data (a CA bundle); at least one is required.
    pub fn from_pem_bundle(pem: &[u8]) -> Result<Vec<Self>, CertificateError> {
        let certificates = CertificateDer::pem_slice_iter(pem)
            .map(|item| {
                item.map_err(CertificateError::Pem)
                    .and_then(|der| Certificate::from_der(der.to_vec()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if certificates.is_empty() {
            return Err(CertificateError::NoCertificate);
        }
        Ok(certificates)
    }

    /// The certificate in DER form.
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("der_len", &self.der.len())
            .finish()
    }
}

/// Why bytes could not be made into a [`Certificate`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// The PEM data holds no `CERTIFICATE` section.
    #[error("the PEM data holds no CERTIFICATE section")]
    NoCertificate,
    /// The PEM data could not be read.
    #[error("the PEM data could not be read")]
    Pem(#[source] pem::Error),
    /// The bytes are not a certificate usable as a trust anchor.
    #[error("not an X.509 certificate usable as a root")]
    Invalid(#[source] rustls::Error),
}

/// Which roots to trust and how.
#[derive(Clone, Default)]
pub(crate) struct TlsSettings {
    /// Whether the built-in roots (webpki, or the platform's with `native-roots`)
    /// are trusted.
    pub(crate) built_in_roots: bool,
    pub(crate) extra_roots: Vec<Certificate>,
    /// A whole configuration given by the caller; replaces the two fields above.
    pub(crate) config: Option<Arc<ClientConfig>>,
}

impl TlsSettings {
    pub(crate) fn new() -> Self {
        TlsSettings {
            built_in_roots: true,
            extra_roots: Vec::new(),
            config: None,
        }
    }

    /// The rustls configuration, with no ALPN protocols yet (hyper-rustls sets them).
    pub(crate) fn client_config(&self) -> Result<ClientConfig, rustls::Error> {
        if let Some(config) = &self.config {
            let mut config = ClientConfig::clone(config);
            config.alpn_protocols.clear();
            return Ok(config);
        }
        let mut roots = RootCertStore::empty();
        if self.built_in_roots {
            add_built_in_roots(&mut roots);
        }
        for certificate in &self.extra_roots {
            // Checked when the Certificate was made: cannot fail here.
            let _ = roots.add(certificate.der.clone());
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Ok(ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth())
    }
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("built_in_roots", &self.built_in_roots)
            .field("extra_roots", &self.extra_roots.len())
            .field("custom_config", &self.config.is_some())
            .finish()
    }
}

#[cfg(not(feature = "native-roots"))]
fn add_built_in_roots(roots: &mut RootCertStore) {
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
}

#[cfg(feature = "native-roots")]
fn add_built_in_roots(roots: &mut RootCertStore) {
    let loaded = rustls_native_certs::load_native_certs();
    if !loaded.errors.is_empty() {
        tracing::warn!(
            errors = loaded.errors.len(),
            "some platform root certificates could not be loaded"
        );
    }
    let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
    if added == 0 {
        tracing::warn!(
            ignored,
            "no usable platform root certificate: HTTPS will trust only the roots added to the builder"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_configuration_builds() {
        let config = TlsSettings::new()
            .client_config()
            .expect("ring supports TLS 1.2 and 1.3");
        assert!(config.alpn_protocols.is_empty());
    }

    #[test]
    fn a_caller_configuration_loses_its_alpn_so_hyper_rustls_accepts_it() {
        let mut config = TlsSettings::new().client_config().unwrap();
        config.alpn_protocols = vec![b"h2".to_vec()];
        let settings = TlsSettings {
            config: Some(Arc::new(config)),
            ..TlsSettings::new()
        };
        assert!(settings.client_config().unwrap().alpn_protocols.is_empty());
    }

    #[test]
    fn a_certificate_keeps_its_der_and_debug_shows_its_length_only() {
        let der = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pki/ca.der"))
            .expect("the test CA");
        let certificate = Certificate::from_der(der.clone()).expect("a certificate");
        assert_eq!(certificate.as_der(), der.as_slice());
        assert_eq!(
            format!("{certificate:?}"),
            format!("Certificate {{ der_len: {} }}", der.len())
        );
        let settings = TlsSettings {
            extra_roots: vec![certificate],
            ..TlsSettings::new()
        };
        assert_eq!(
            format!("{settings:?}"),
            "TlsSettings { built_in_roots: true, extra_roots: 1, custom_config: false }"
        );
    }

    #[cfg(not(feature = "native-roots"))]
    #[test]
    fn the_built_in_roots_are_the_mozilla_roots() {
        let mut roots = RootCertStore::empty();
        add_built_in_roots(&mut roots);
        assert_eq!(roots.len(), webpki_roots::TLS_SERVER_ROOTS.len());
        assert!(roots.len() > 100, "{}", roots.len());
    }

    #[test]
    fn refuses_what_is_not_a_certificate() {
        assert!(matches!(
            Certificate::from_der(vec![0x30, 0x03, 0x02, 0x01, 0x01]),
            Err(CertificateError::Invalid(_))
        ));
        assert!(matches!(
            Certificate::from_pem(
                b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
            ),
            Err(CertificateError::NoCertificate)
        ));
        assert!(matches!(
            Certificate::from_pem_bundle(b""),
            Err(CertificateError::NoCertificate)
        ));
        assert!(matches!(
            Certificate::from_pem(
                b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"
            ),
            Err(CertificateError::Pem(_))
        ));
    }
}
