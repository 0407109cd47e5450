// Signing in the way a browser does: next-auth's CSRF token, then its credentials callback. The
// session cookie lands in the request context, whose storage state pages can then reuse.
import { expect, type APIRequestContext } from "@playwright/test";

/** The owner Baton creates from BATON_OWNER_* when the e2e server starts (playwright.config.ts). */
export const E2E_OWNER = { email: "owner@e2e.test", password: "correct horse battery staple", name: "Eve Owner" };
/** Where the owner's signed-in state is kept between global setup and the tests. */
export const OWNER_STATE = "test-results/.auth/owner.json";

export async function signInViaApi(api: APIRequestContext, credentials: { email: string; password: string }): Promise<void> {
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await api.post("/api/auth/callback/password", {
    form: { csrfToken, email: credentials.email, password: credentials.password, json: "true" },
  });
  const { url } = (await response.json()) as { url: string };
  expect(new URL(url).searchParams.get("error"), `sign-in of ${credentials.email} refused`).toBeNull();
}
