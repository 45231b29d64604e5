// Configuration of the pinned Medusa v2 (2.21.2) backend used by the interop suite.
// The database comes from the environment that interop-v2/medusa.sh sets; the rest is
// the configuration the recorded transcripts were made with (their header): CORS lists,
// jwtSecret, no Redis (in-memory event bus, cache, workflow engine, locking; sessions in
// express-session's MemoryStore, so a restart drops every cookie session while JWTs stay
// valid), admin dashboard disabled (no Vite build, no .medusa/ folder).
const { loadEnv, defineConfig } = require("@medusajs/framework/utils");

loadEnv(process.env.NODE_ENV || "development", process.cwd());

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    databaseName: process.env.DATABASE_NAME || "medusa",
    http: {
      storeCors: "http://localhost:8000",
      adminCors: "http://localhost:7001",
      authCors: "http://localhost:7001,http://localhost:8000",
      jwtSecret: "real-medusa-v2-jwt-secret",
      cookieSecret: "real-medusa-v2-cookie-secret",
    },
  },
  admin: {
    disable: true,
  },
});
