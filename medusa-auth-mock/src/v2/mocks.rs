//! mockall mocks of the v2 API traits.

use async_trait::async_trait;
use medusa_auth_core::Result;
use medusa_auth_core::v2::{
    AdminApi, AuthApi, Callback, Claims, CreateCustomer, Customer, CustomerMe, ListProviders,
    Login, LoginOutcome, Logout, OpenSession, ProviderInfo, Refresh, Register, ResetPassword,
    SignUp, StoreApi, Token, UpdatePassword, User, UserMe,
};
use mockall::mock;

mock! {
    /// A mock of [`AuthApi`], the `/auth` calls: `MockAuthApi::new()`, then
    /// `expect_send_login()`, `expect_send_register()`, `expect_send_callback()`,
    /// `expect_send_open_session()`, `expect_send_logout()`, `expect_send_refresh()`,
    /// `expect_send_reset_password()`, `expect_send_update_password()`,
    /// `expect_send_providers()`.
    pub AuthApi {}

    #[async_trait]
    impl AuthApi for AuthApi {
        async fn send_login(&self, call: Login) -> Result<LoginOutcome>;
        async fn send_register(&self, call: Register) -> Result<Token>;
        async fn send_callback(&self, call: Callback) -> Result<LoginOutcome>;
        async fn send_open_session(&self, call: OpenSession) -> Result<Claims>;
        async fn send_logout(&self, call: Logout) -> Result<()>;
        async fn send_refresh(&self, call: Refresh) -> Result<Token>;
        async fn send_reset_password(&self, call: ResetPassword) -> Result<()>;
        async fn send_update_password(&self, call: UpdatePassword) -> Result<()>;
        async fn send_providers(&self, call: ListProviders) -> Result<Vec<ProviderInfo>>;
    }
}

mock! {
    /// A mock of [`StoreApi`], the customer's own routes: `expect_send_me()`,
    /// `expect_send_create_customer()`, `expect_send_sign_up()`.
    pub StoreApi {}

    #[async_trait]
    impl StoreApi for StoreApi {
        async fn send_me(&self, call: CustomerMe) -> Result<Customer>;
        async fn send_create_customer(&self, call: CreateCustomer) -> Result<Customer>;
        async fn send_sign_up(&self, call: SignUp) -> Result<Customer>;
    }
}

mock! {
    /// A mock of [`AdminApi`], the admin's own route: `expect_send_me()`.
    pub AdminApi {}

    #[async_trait]
    impl AdminApi for AdminApi {
        async fn send_me(&self, call: UserMe) -> Result<User>;
    }
}
