// The shell example the trigger page shows: sign with openssl, send with curl. The triggers test
// runs it as written against the real route, so the page never shows a recipe that fails.
import { SIGNATURE_HEADER } from "./webhook-signature";

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function curlExample(params: { url: string; secret?: string; body?: string; eventId?: string }): string {
  const body = params.body ?? '{"event":"deploy.failed","id":"evt_1"}';
  return [
    `SECRET=${quote(params.secret ?? "whsec_…")}   # shown once when the trigger was made or its secret rotated`,
    `BODY=${quote(body)}`,
    "T=$(date +%s)",
    `SIG=$(printf '%s.%s' "$T" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)`,
    `curl -sS -X POST ${quote(params.url)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "${headerName()}: t=$T,v1=$SIG" \\`,
    `  -H ${quote(`X-Baton-Event-Id: ${params.eventId ?? "evt_1"}`)} \\`,
    `  --data "$BODY"`,
  ].join("\n");
}

function headerName(): string {
  return SIGNATURE_HEADER.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
}
