// Test-only subscriber: appends every `auth.password_reset` event, token included, as one
// JSON line to the file named by MEDUSA_V2_RESET_TOKENS (interop-v2/medusa.sh sets it to
// a file in its state folder). Medusa emits the reset token only in this event and, with no
// notification provider configured, e-mails it to nobody: this is how tests read the token
// a real server would have sent. Never use it outside tests.
//
// The export shape matters: the subscriber loader reads `exports.default` (the handler)
// and `exports.config`. `module.exports = fn` with `fn.default = fn` makes every `medusa`
// command overflow its stack, so export a plain object.
"use strict";
const fs = require("fs");

async function captureAuthEvents({ event }) {
  const file = process.env.MEDUSA_V2_RESET_TOKENS;
  if (!file) return;
  const data = event.data || {};
  const line = JSON.stringify({
    event: event.name,
    received_at: new Date().toISOString(),
    entity_id: data.entity_id,
    actor_type: data.actor_type,
    token: data.token,
    metadata: data.metadata,
    data,
  });
  await fs.promises.appendFile(file, line + "\n", { mode: 0o600 });
}

exports.default = captureAuthEvents;
exports.config = {
  event: ["auth.password_reset"],
  context: { subscriberId: "medusa-auth-interop-capture-auth-events" },
};
