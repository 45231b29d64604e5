// Seeds the running Medusa v2 development server over HTTP, idempotently; run by
// interop-v2/medusa.sh after the admin user exists (`medusa user`). With the admin's JWT:
//   - a sales channel, a publishable key linked to it, and a secret key;
//   - customers (register, then POST /store/customers with the registration token as
//     Bearer and the publishable key, no password in the body).
// What it made is kept in SEED_FILE (JSON, mode 600): the secret key's `sk_…` is returned
// only by its create call, so it must be kept. A later run checks every kept item against
// the server and re-creates only what is missing (or revoked, or no longer working).
//
// Environment: BASE_URL, SEED_FILE, ADMIN_EMAIL, ADMIN_PASSWORD, CUSTOMERS (JSON array of
// {email, password, first_name, last_name}).
"use strict";
const fs = require("fs");

const base = process.env.BASE_URL;
const seedFile = process.env.SEED_FILE;
const adminEmail = process.env.ADMIN_EMAIL;
const adminPassword = process.env.ADMIN_PASSWORD;
const customers = JSON.parse(process.env.CUSTOMERS || "[]");

const SALES_CHANNEL_NAME = "medusa-auth interop";
const PUBLISHABLE_TITLE = "medusa-auth interop storefront";
const SECRET_TITLE = "medusa-auth interop secret";

function log(message) {
  process.stderr.write(`[interop-v2/medusa.sh seed] ${message}\n`);
}

async function call(method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(base + path, init);
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

function fail(what, response) {
  throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
}

function jwtPayload(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

function readSeed() {
  try {
    return JSON.parse(fs.readFileSync(seedFile, "utf8"));
  } catch {
    return {};
  }
}

function writeSeed(seed) {
  const tmp = `${seedFile}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(seed, null, 2) + "\n", { mode: 0o600 });
  fs.renameSync(tmp, seedFile);
}

async function main() {
  const seed = readSeed();

  const login = await call("POST", "/auth/user/emailpass", {
    body: { email: adminEmail, password: adminPassword },
  });
  if (login.status !== 200 || !login.json?.token) fail("admin login", login);
  const admin = { authorization: `Bearer ${login.json.token}` };

  // The sales channel.
  let salesChannel;
  if (seed.sales_channel_id) {
    const got = await call("GET", `/admin/sales-channels/${seed.sales_channel_id}`, { headers: admin });
    if (got.status === 200) salesChannel = got.json.sales_channel;
  }
  if (!salesChannel) {
    const found = await call(
      "GET",
      `/admin/sales-channels?name=${encodeURIComponent(SALES_CHANNEL_NAME)}&limit=1`,
      { headers: admin },
    );
    if (found.status === 200 && found.json.sales_channels?.length) salesChannel = found.json.sales_channels[0];
  }
  if (!salesChannel) {
    log("creating the sales channel");
    const made = await call("POST", "/admin/sales-channels", {
      headers: admin,
      body: { name: SALES_CHANNEL_NAME, description: "Made by interop-v2/medusa.sh" },
    });
    if (made.status !== 200) fail("creating the sales channel", made);
    salesChannel = made.json.sales_channel;
  }
  seed.sales_channel_id = salesChannel.id;
  writeSeed(seed);

  // The publishable key, linked to the sales channel. Its token is readable at any time.
  let publishable;
  if (seed.publishable_key_id) {
    const got = await call("GET", `/admin/api-keys/${seed.publishable_key_id}?fields=*sales_channels`, {
      headers: admin,
    });
    if (got.status === 200 && !got.json.api_key.revoked_at) publishable = got.json.api_key;
  }
  if (!publishable) {
    log("creating the publishable key");
    const made = await call("POST", "/admin/api-keys", {
      headers: admin,
      body: { title: PUBLISHABLE_TITLE, type: "publishable" },
    });
    if (made.status !== 200) fail("creating the publishable key", made);
    publishable = made.json.api_key;
  }
  const linked = (publishable.sales_channels || []).some((channel) => channel.id === salesChannel.id);
  if (!linked) {
    log("linking the publishable key to the sales channel");
    const link = await call("POST", `/admin/api-keys/${publishable.id}/sales-channels`, {
      headers: admin,
      body: { add: [salesChannel.id] },
    });
    if (link.status !== 200) fail("linking the publishable key", link);
  }
  seed.publishable_key_id = publishable.id;
  seed.publishable_key = publishable.token;
  writeSeed(seed);

  // The secret key: its `sk_…` is returned only by the create call, so it is kept here
  // and checked by using it (a secret key acts as itself: /admin/users/me answers 404).
  let secretWorks = false;
  if (seed.secret_api_key) {
    const basic = Buffer.from(`${seed.secret_api_key}:`).toString("base64");
    const got = await call("GET", "/admin/users?limit=1", { headers: { authorization: `Basic ${basic}` } });
    secretWorks = got.status === 200;
  }
  if (!secretWorks) {
    log("creating the secret key");
    const made = await call("POST", "/admin/api-keys", {
      headers: admin,
      body: { title: SECRET_TITLE, type: "secret" },
    });
    if (made.status !== 200 || !made.json.api_key.token?.startsWith("sk_")) fail("creating the secret key", made);
    seed.secret_api_key_id = made.json.api_key.id;
    seed.secret_api_key = made.json.api_key.token;
    writeSeed(seed);
  }

  // The customers.
  const store = { "x-publishable-api-key": seed.publishable_key };
  seed.customers = seed.customers || {};
  for (const customer of customers) {
    const credentials = { email: customer.email, password: customer.password };
    let token;
    const signIn = await call("POST", "/auth/customer/emailpass", { body: credentials });
    if (signIn.status === 200) {
      token = signIn.json.token;
    } else {
      log(`registering the customer ${customer.email}`);
      const registered = await call("POST", "/auth/customer/emailpass/register", { body: credentials });
      if (registered.status !== 200) fail(`registering ${customer.email}`, registered);
      token = registered.json.token;
    }
    let actorId = jwtPayload(token).actor_id;
    if (!actorId) {
      log(`creating the customer ${customer.email}`);
      const made = await call("POST", "/store/customers", {
        headers: { ...store, authorization: `Bearer ${token}` },
        body: { email: customer.email, first_name: customer.first_name, last_name: customer.last_name },
      });
      if (made.status !== 200) fail(`creating the customer ${customer.email}`, made);
      actorId = made.json.customer.id;
    }
    seed.customers[customer.email] = actorId;
  }
  writeSeed(seed);
}

main().catch((error) => {
  log(error.message);
  process.exit(1);
});
