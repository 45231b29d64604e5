// Configuration of the pinned Medusa v1 backend used by the interop suite.
// Everything comes from the environment that interop/medusa.sh sets.
module.exports = {
  projectConfig: {
    database_url: process.env.DATABASE_URL,
    database_type: "postgres",
    jwt_secret: process.env.JWT_SECRET || "medusa-auth-interop-jwt-secret",
    cookie_secret: process.env.COOKIE_SECRET || "medusa-auth-interop-cookie-secret",
    store_cors: "http://localhost:8000",
    admin_cors: "http://localhost:7001",
  },
  plugins: [],
  modules: {
    eventBus: { resolve: "@medusajs/event-bus-local" },
    cacheService: { resolve: "@medusajs/cache-inmemory" },
  },
};
