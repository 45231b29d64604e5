// Preloaded into the Medusa v2 server (NODE_OPTIONS=--require), a second guard besides
// `medusa start --host 127.0.0.1`: give every listen() without a host 127.0.0.1, so no
// socket of the server is reachable from outside this machine.
"use strict";
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (typeof args[1] !== "string") {
      // listen(port), listen(port, cb), listen(port, undefined, …): insert the host.
      if (args.length > 1 && args[1] === undefined) args.splice(1, 1);
      args.splice(1, 0, "127.0.0.1");
    }
  } else if (first && typeof first === "object" && first.port !== undefined && !first.host && !first.path) {
    args[0] = { ...first, host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
