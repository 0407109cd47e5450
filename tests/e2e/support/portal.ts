// The owner's saved sign-in for the fixture billing portal, shared by the playbook and computer-use tests.
import { expect, type APIRequestContext } from "@playwright/test";
import { COMPUTER_USE_CREDENTIAL, E2E_PORTAL, PORTAL_URL } from "./fakes";

/** Saved once (a retried test, or another file, finds it there). */
export async function ensurePortalCredential(request: APIRequestContext): Promise<void> {
  const listed = (await (await request.get("/api/credentials")).json()) as { credentials: { name: string }[] };
  if (listed.credentials.some((credential) => credential.name === COMPUTER_USE_CREDENTIAL)) return;
  const response = await request.post("/api/credentials", {
    data: { name: COMPUTER_USE_CREDENTIAL, label: "Billing portal", origins: [PORTAL_URL], ...E2E_PORTAL },
  });
  expect(response.status(), await response.text()).toBe(201);
}
