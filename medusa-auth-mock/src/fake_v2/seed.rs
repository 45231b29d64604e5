//! What a Medusa v2 backend is seeded with: the fake is built from a [`SeedV2`], and
//! `interop-v2/medusa.sh` seeds the real interop backend with the same people.

use medusa_auth_core::SecretString;

use crate::seed::SeedCustomer;

/// An admin user (made by `medusa user` on a real server).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SeedV2User {
    /// Its e-mail, kept as given (v2 identities are case-sensitive).
    pub email: String,
    /// Its `emailpass` password.
    pub password: SecretString,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
}

impl SeedV2User {
    /// An admin without a name.
    pub fn new(email: impl Into<String>, password: impl Into<SecretString>) -> Self {
        SeedV2User {
            email: email.into(),
            password: password.into(),
            first_name: None,
            last_name: None,
        }
    }

    /// Names it.
    pub fn named(mut self, first_name: &str, last_name: &str) -> Self {
        self.first_name = Some(first_name.to_owned());
        self.last_name = Some(last_name.to_owned());
        self
    }
}

/// Who and what a v2 backend knows. `Debug` never shows a password or a secret key.
///
/// ```
/// use medusa_auth_mock::SeedV2;
/// let seed = SeedV2::interop();
/// assert_eq!(seed.admin.email, "admin@example.com");
/// let emails: Vec<&str> = seed.customers.iter().map(|c| c.email.as_str()).collect();
/// assert_eq!(emails, ["customer@example.com", "second@example.com"]);
/// assert!(!format!("{seed:?}").contains("supersecret"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SeedV2 {
    /// The admin user.
    pub admin: SeedV2User,
    /// Customers with an account (an `emailpass` identity linked to the customer).
    /// [`SeedCustomer`] is the v1 seed's type: the same fields mean the same here.
    pub customers: Vec<SeedCustomer>,
    /// The name of the sales channel the publishable key is linked to.
    pub sales_channel: String,
    /// The publishable key (`pk_…`); `None`: the fake makes one (read it with
    /// `FakeMedusaV2::publishable_key`).
    pub publishable_key: Option<String>,
    /// The secret API key (`sk_…`); `None`: the fake makes one (read it with
    /// `FakeMedusaV2::secret_key`).
    pub secret_key: Option<SecretString>,
}

impl Default for SeedV2 {
    fn default() -> Self {
        SeedV2::interop()
    }
}

impl SeedV2 {
    /// An admin and nobody else; the keys made by the fake.
    pub fn new(admin: SeedV2User) -> Self {
        SeedV2 {
            admin,
            customers: Vec::new(),
            sales_channel: "medusa-auth interop".to_owned(),
            publishable_key: None,
            secret_key: None,
        }
    }

    /// Adds a customer with an account.
    pub fn with_customer(mut self, customer: SeedCustomer) -> Self {
        self.customers.push(customer);
        self
    }

    /// Uses this publishable key rather than a made one.
    pub fn with_publishable_key(mut self, token: impl Into<String>) -> Self {
        self.publishable_key = Some(token.into());
        self
    }

    /// Uses this secret key rather than a made one.
    pub fn with_secret_key(mut self, token: impl Into<SecretString>) -> Self {
        self.secret_key = Some(token.into());
        self
    }

    /// What `interop-v2/medusa.sh` seeds the real v2 backend with: the admin
    /// `admin@example.com` / `supersecret`; the customers `customer@example.com`
    /// (Test Customer) and `second@example.com` (Second Customer), both
    /// `supersecret`; the sales channel `medusa-auth interop` and a publishable key
    /// linked to it; a secret key. The keys are made by the fake.
    pub fn interop() -> Self {
        SeedV2::transcript().with_customer(
            SeedCustomer::new("second@example.com", "supersecret").named("Second", "Customer"),
        )
    }

    /// What the server of the v2 `transcripts.md` held before exchange 1: the admin
    /// and `customer@example.com` (Test Customer), a sales channel, a publishable
    /// key linked to it and a secret key.
    pub fn transcript() -> Self {
        SeedV2::new(SeedV2User::new("admin@example.com", "supersecret")).with_customer(
            SeedCustomer::new("customer@example.com", "supersecret").named("Test", "Customer"),
        )
    }

    /// The first customer.
    pub fn customer(&self) -> Option<&SeedCustomer> {
        self.customers.first()
    }
}
