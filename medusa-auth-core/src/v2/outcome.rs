//! What a v2 login answers: a token, a redirect to an OAuth provider, or a challenge
//! next to a restricted token. The server says which by the body, not the status.

use crate::v2::token::Token;

/// What a login (or an OAuth callback) answered.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum LoginOutcome {
    /// Logged in: the session keeps the token.
    Authenticated(Token),
    /// An OAuth provider: send the user's browser to `location`, then forward the
    /// query of the provider's redirect to [`callback`](super::AuthApi#method.callback).
    Redirect {
        /// The provider's authorization URL.
        location: String,
    },
    /// Multi-factor authentication is required: `token` is restricted to it (the
    /// session does not keep it).
    MfaRequired {
        /// The restricted token.
        token: Token,
        /// The challenge, as the server sent it.
        challenge: serde_json::Value,
    },
    /// The identity must be verified first: `token` is restricted to it (the session
    /// does not keep it).
    VerificationRequired {
        /// The restricted token.
        token: Token,
        /// What the server said about the verification.
        verification: serde_json::Value,
    },
}

impl LoginOutcome {
    /// The token of a completed login.
    pub fn token(&self) -> Option<&Token> {
        match self {
            LoginOutcome::Authenticated(token) => Some(token),
            _ => None,
        }
    }
}
