// npm run portal: the fixture billing portal the shipped playbooks are written for, at
// http://127.0.0.1:4610, to try playbooks by hand. Prints its sign-in; Ctrl-C stops it.
import { randomBytes } from "node:crypto";
import { recentMonths, startPortal } from "../tests/fixtures/portal/portal-server";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

async function main(): Promise<void> {
  const portal = await startPortal({
    port: Number(process.env.BATON_PORTAL_PORT || 4610),
    password: `portal-${randomBytes(6).toString("hex")}`,
    // 32 random base32 letters (160 bits), as an authenticator app's setup key reads.
    totpSecret: Array.from(randomBytes(32), (byte) => BASE32[byte & 31]).join(""),
    months: recentMonths(new Date()),
  });
  console.log(`Billing portal (a fixture, not a real one) at ${portal.url}`);
  console.log(`  user name    ${portal.username}`);
  console.log(`  password     ${portal.password}`);
  console.log(`  TOTP secret  ${portal.totpSecret}`);
  console.log("Save these under More → Credentials with the name billing-portal and the site above, and start Baton with");
  console.log(`BATON_HTTP_ALLOWLIST=127.0.0.1:${portal.port} (the portal is on loopback). Ctrl-C stops the portal.`);
  const stop = () => void portal.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`[portal] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
