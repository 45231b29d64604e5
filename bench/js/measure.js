// The official JS client's side of bench/compare.sh: admin.auth.getSession() with a
// JWT, sequential or with N calls in flight, printing the same line as the Rust
// clients. Arguments: --url URL --calls N --warmup N --in-flight N; the JWT comes
// from MEDUSA_BENCH_TOKEN.
//
// In Node the JS client drops the JWT of getToken (its token store only records
// when a global `window` exists), so the bearer is passed through customHeaders.
"use strict";
const Medusa = require("@medusajs/medusa-js").default;

function parseArgs(argv) {
  const args = { url: null, calls: 20000, warmup: 1000, inFlight: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--url") args.url = value;
    else if (flag === "--calls") args.calls = Number(value);
    else if (flag === "--warmup") args.warmup = Number(value);
    else if (flag === "--in-flight") args.inFlight = Number(value);
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!args.url) throw new Error("--url is required");
  return args;
}

async function lane(call, calls, latencies) {
  let errors = 0;
  for (let i = 0; i < calls; i++) {
    const started = process.hrtime.bigint();
    try {
      await call();
    } catch (_) {
      errors++;
    }
    latencies.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return errors;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const token = process.env.MEDUSA_BENCH_TOKEN;
  if (!token) throw new Error("MEDUSA_BENCH_TOKEN is not set");
  const medusa = new Medusa({ baseUrl: args.url, maxRetries: 0 });
  const headers = { Authorization: `Bearer ${token}` };
  const call = async () => {
    const { user } = await medusa.admin.auth.getSession(headers);
    if (!user || !user.id) throw new Error("no user");
  };
  await lane(call, args.warmup, []);

  const latencies = [];
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let errors = 0;
  if (args.inFlight > 1) {
    const lanes = [];
    for (let l = 0; l < args.inFlight; l++) {
      const calls = Math.floor(args.calls / args.inFlight) + (l < args.calls % args.inFlight ? 1 : 0);
      lanes.push(lane(call, calls, latencies));
    }
    errors = (await Promise.all(lanes)).reduce((a, b) => a + b, 0);
  } else {
    errors = await lane(call, args.calls, latencies);
  }
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const pct = (p) => Math.round(latencies[Math.round((latencies.length - 1) * p)] || 0);
  const mode = args.inFlight > 1 ? `inflight${args.inFlight}` : "seq";
  console.log(
    `client=js mode=${mode} calls=${latencies.length} wall_s=${wall.toFixed(3)} ` +
      `calls_per_s=${Math.round(latencies.length / wall)} p50_us=${pct(0.5)} p99_us=${pct(0.99)} ` +
      `max_us=${Math.round(latencies[latencies.length - 1] || 0)} ` +
      `cpu_us_per_call=${((cpu.user + cpu.system) / latencies.length).toFixed(2)} errors=${errors}`
  );
}

main().catch((error) => {
  console.error(`measure.js: ${error.message}`);
  process.exit(2);
});
