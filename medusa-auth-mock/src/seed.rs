//! The users a backend is seeded with: the fake is built from a [`Seed`], and a real
//! server seeded with the same users (`interop/medusa.sh` does) runs the same
//! scenarios.

use medusa_auth_core::{SecretString, UserRole};

/// The admin the scenarios log in as.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SeedAdmin {
    /// Its email (lower-case on the server).
    pub email: String,
    /// Its password.
    pub password: SecretString,
    /// Its API token, if it has one (the API-token scenarios are skipped otherwise).
    pub api_token: Option<SecretString>,
    /// Its role.
    pub role: UserRole,
}

impl SeedAdmin {
    /// An admin (role `member`, as `medusa user` makes them) without an API token.
    pub fn new(email: impl Into<String>, password: impl Into<SecretString>) -> Self {
        SeedAdmin {
            email: email.into(),
            password: password.into(),
            api_token: None,
            role: UserRole::Member,
        }
    }

    /// Gives it an API token.
    pub fn with_api_token(mut self, token: impl Into<SecretString>) -> Self {
        self.api_token = Some(token.into());
        self
    }

    /// Sets its role.
    pub fn with_role(mut self, role: UserRole) -> Self {
        self.role = role;
        self
    }
}

/// A customer with an account.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SeedCustomer {
    /// Its email (lower-case on the server).
    pub email: String,
    /// Its password.
    pub password: SecretString,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
}

impl SeedCustomer {
    /// A customer with an account and no name.
    pub fn new(email: impl Into<String>, password: impl Into<SecretString>) -> Self {
        SeedCustomer {
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

/// Who a backend knows. `Debug` never shows a password or token.
///
/// ```
/// use medusa_auth_mock::Seed;
/// let seed = Seed::interop();
/// assert_eq!(seed.admin.email, "admin@example.com");
/// assert_eq!(seed.customer().map(|c| c.email.as_str()), Some("customer@example.com"));
/// assert!(!format!("{seed:?}").contains("supersecret"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Seed {
    /// The admin.
    pub admin: SeedAdmin,
    /// Customers with an account; the first is "the customer" of the scenarios, the
    /// second (if any) the one of the isolation scenario.
    pub customers: Vec<SeedCustomer>,
    /// Emails of customers without an account (guest checkouts).
    pub guests: Vec<String>,
}

impl Default for Seed {
    fn default() -> Self {
        Seed::interop()
    }
}

impl Seed {
    /// A seed of one admin and nobody else.
    pub fn new(admin: SeedAdmin) -> Self {
        Seed {
            admin,
            customers: Vec::new(),
            guests: Vec::new(),
        }
    }

    /// Adds a customer with an account.
    pub fn with_customer(mut self, customer: SeedCustomer) -> Self {
        self.customers.push(customer);
        self
    }

    /// Adds a guest customer (no account).
    pub fn with_guest(mut self, email: impl Into<String>) -> Self {
        self.guests.push(email.into());
        self
    }

    /// What `interop/medusa.sh` seeds the real interop backend with: the admin
    /// `admin@example.com` / `supersecret` with API token
    /// `real_medusa_admin_api_token`; customers `customer@example.com` (Test
    /// Customer), `second@example.com`, `plus+tag@example.com`,
    /// `slash/name@example.com`, all `supersecret`; guest `guest@example.com`.
    pub fn interop() -> Self {
        let customer = |email: &str, first: &str, last: &str| {
            SeedCustomer::new(email, "supersecret").named(first, last)
        };
        Seed::transcript()
            .with_customer(customer("second@example.com", "Second", "Customer"))
            .with_customer(customer("plus+tag@example.com", "Plus", "Tag"))
            .with_customer(customer("slash/name@example.com", "Slash", "Name"))
            .with_guest("guest@example.com")
    }

    /// What the server of `transcripts.md` held before exchange 1: the admin (with
    /// its API token) and `customer@example.com` (Test Customer). Exchanges 30–35
    /// create the others through `POST /store/customers`.
    pub fn transcript() -> Self {
        Seed::new(
            SeedAdmin::new("admin@example.com", "supersecret")
                .with_api_token("real_medusa_admin_api_token"),
        )
        .with_customer(
            SeedCustomer::new("customer@example.com", "supersecret").named("Test", "Customer"),
        )
    }

    /// The customer of the scenarios (the first).
    pub fn customer(&self) -> Option<&SeedCustomer> {
        self.customers.first()
    }

    /// A second customer, for the isolation scenario.
    pub fn second_customer(&self) -> Option<&SeedCustomer> {
        self.customers.get(1)
    }

    /// The first guest.
    pub fn guest(&self) -> Option<&str> {
        self.guests.first().map(String::as_str)
    }

    /// The first customer whose email contains `c` (`+`, `/` …).
    pub fn customer_with(&self, c: char) -> Option<&SeedCustomer> {
        self.customers
            .iter()
            .find(|customer| customer.email.contains(c))
    }
}
